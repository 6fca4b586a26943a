// The center under test in its own process (bench/fleet.mjs, …): as `cdc center start` runs
// it, on an ephemeral port (or the one given: a restarted center), logging warnings only.
import { pino } from 'pino';
import { Center } from '@cdc/center';
import { serve } from './ipc.mjs';
import { profileStart, profileStop } from './profiler.mjs';

let center;

serve({
  async start({ dir, heartbeatPeriodS, realm, global, port = 0, httpApi, limits }) {
    center = new Center({
      host: '127.0.0.1',
      port,
      dir,
      logger: pino({ level: 'warn' }),
      logLevel: 'warn',
      heartbeatPeriodS,
      onBackendLog: (r, line) => process.stderr.write(`[backend ${r}] ${line}\n`),
      ...(global !== undefined ? { global } : {}),
      ...(httpApi !== undefined ? { httpApi } : {}),
      ...(limits !== undefined ? { limits } : {}),
    });
    await center.start();
    return { url: center.url, backendPid: center.supervisor.pid(realm) ?? null };
  },
  profileStart,
  // CPU time of this process so far (µs): what a measurement window cost the center.
  cpu: () => process.cpuUsage(),
  profileStop,
  async stop() {
    await center?.stop();
    return {};
  },
});
