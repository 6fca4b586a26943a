// Request/response over the Node IPC channel between the bench orchestrator and the
// processes it forks (the router and the load generators).
import { fork } from 'node:child_process';

/** In a child: answer `{id, cmd, args}` requests with the handler of that name. */
export function serve(handlers) {
  process.on('message', async (m) => {
    if (m === null || typeof m !== 'object' || m.id === undefined) return;
    const handler = handlers[m.cmd];
    try {
      if (handler === undefined) throw new Error(`unknown command ${m.cmd}`);
      const result = await handler(m.args ?? {});
      process.send({ id: m.id, ok: true, result });
    } catch (e) {
      process.send({ id: m.id, ok: false, error: e instanceof Error ? e.stack : String(e) });
    }
  });
  // Never outlive the orchestrator.
  process.on('disconnect', () => process.exit(0));
}

/** In a child: an unsolicited message to the orchestrator. */
export function emit(event, data) {
  if (process.connected) process.send({ event, data });
}

/** A forked bench process. */
export class Child {
  constructor(script, { name, execArgv = [], env } = {}) {
    this.name = name ?? script;
    this.pending = new Map();
    this.listeners = new Map();
    this.nextId = 0;
    this.proc = fork(script, [], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...env },
    });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
    this.proc.on('message', (m) => {
      if (m.event !== undefined) {
        this.listeners.get(m.event)?.(m.data);
        return;
      }
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${this.name}: ${m.error}`));
    });
    this.proc.once('exit', (code, signal) => {
      for (const p of this.pending.values())
        p.reject(new Error(`${this.name} exited (${code ?? signal}) with a request pending`));
      this.pending.clear();
    });
  }

  get pid() {
    return this.proc.pid;
  }

  request(cmd, args) {
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      this.pending.set(id, { resolve, reject });
      this.proc.send({ id, cmd, args });
    });
  }

  on(event, listener) {
    this.listeners.set(event, listener);
  }

  send(event, data) {
    if (this.proc.connected) this.proc.send({ event, data });
  }

  async kill() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.disconnect?.();
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(t);
  }
}
