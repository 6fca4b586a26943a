/**
 * The errors the system modules raise. Everything that can reach the management API is a
 * `WampError` with a catalogue URI and a human-readable message as its first argument.
 * @module
 */
import { CrossbarErrors, WampError, WampErrors } from '@cdc/protocol';

/** A bad argument; the message names it (e.g. `argument "cpus": …`). */
export function invalidArgument(name: string, message: string): WampError {
  return WampError.of(WampErrors.INVALID_ARGUMENT, `argument "${name}": ${message}`);
}

/** Something this host cannot do (no /proc, no taskset, no inspector). */
export function featureUnavailable(message: string): WampError {
  return WampError.of(CrossbarErrors.FEATURE_UNAVAILABLE, message);
}

export function runtimeError(message: string, cause?: unknown): WampError {
  return new WampError(CrossbarErrors.RUNTIME_ERROR, [message], {}, { cause });
}

/** The `code` of a Node system error (`ENOENT`, `EACCES`, …), if it is one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    return typeof err.code === 'string' ? err.code : undefined;
  }
  return undefined;
}

/** A PID argument: a positive integer. */
export function checkPid(pid: unknown, name = 'pid'): number {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || pid > 0x7fffffff) {
    throw invalidArgument(
      name,
      `must be a positive integer process ID, got ${JSON.stringify(pid)}`,
    );
  }
  return pid;
}
