/** Optional interop checks against Debian's python3-autobahn 22.7.1 when it is installed. */
import { spawnSync } from 'node:child_process';

const PYTHON = '/usr/bin/python3';

function probe(modules: string): boolean {
  const res = spawnSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore' });
  return res.status === 0;
}

const hasAutobahn = probe('autobahn.wamp.cryptosign, nacl');
const hasTwisted = hasAutobahn && probe('autobahn.twisted.util, twisted.internet.ssl, OpenSSL');

/** `false` when autobahn-python is usable, else a skip reason. */
export const NO_AUTOBAHN = hasAutobahn ? false : 'python3-autobahn (with PyNaCl) not installed';
export const NO_TWISTED = hasTwisted
  ? false
  : 'python3-autobahn with Twisted and pyOpenSSL not installed';

/** Run a Python snippet; returns stdout, throws with stderr on failure. */
export function python(code: string, args: string[] = []): string {
  const res = spawnSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', timeout: 20_000 });
  if (res.status !== 0) throw new Error(`python failed (${res.status}): ${res.stderr}`);
  return res.stdout;
}
