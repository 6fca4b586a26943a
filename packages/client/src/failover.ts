/**
 * Several addresses of one service — the instances of a clustered center (SPEC §9) — behind
 * one transport factory for {@link Connection}: each attempt tries them in turn, starting
 * with the one that answered last, so a client stays where it is until that address stops
 * answering, and a fleet survives the loss of an instance without a load balancer.
 * @module
 */
import { errorMessage } from '@cdc/protocol';
import type { Transport } from '@cdc/protocol';

/** No address answered; `failures` has each one's reason, in the order tried. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';

  constructor(readonly failures: ReadonlyArray<{ address: string; error: unknown }>) {
    super(failures.map((f) => `${f.address}: ${errorMessage(f.error)}`).join('; '));
  }
}

/**
 * A list of addresses from a value that may be a list or one string of comma-separated ones
 * (`CDC_URL=ws://a/ws,ws://b/ws`); blanks dropped.
 */
export function addressList(value: string | readonly string[]): string[] {
  return (typeof value === 'string' ? value.split(',') : [...value])
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

export class Failover {
  readonly addresses: readonly string[];
  #current = 0;

  /** `open` makes a transport to one address; its failure moves on to the next. */
  constructor(
    addresses: string | readonly string[],
    private readonly open: (address: string) => Promise<Transport>,
  ) {
    this.addresses = addressList(addresses);
    if (this.addresses.length === 0) throw new TypeError('no address given');
  }

  /** The address of the last transport made, or the one to try first. */
  get current(): string {
    return this.addresses[this.#current] as string;
  }

  /**
   * Start the next attempt at the next address: this one answered but cannot serve us (a
   * clustered center's instance that does not serve our realm said so).
   */
  moveOn(): void {
    this.#current = (this.#current + 1) % this.addresses.length;
  }

  /** A transport factory for {@link ConnectionOptions.transport}. */
  readonly connect = async (): Promise<Transport> => {
    const n = this.addresses.length;
    const failures: { address: string; error: unknown }[] = [];
    for (let i = 0; i < n; i++) {
      const index = (this.#current + i) % n;
      const address = this.addresses[index] as string;
      try {
        const transport = await this.open(address);
        this.#current = index;
        return transport;
      } catch (error) {
        failures.push({ address, error });
      }
    }
    // Next time start one further on, so one address that hangs at join (it answers, then
    // never welcomes) does not keep every attempt.
    this.#current = (this.#current + 1) % n;
    throw new UnreachableError(failures);
  };
}
