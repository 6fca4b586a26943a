// CPU profiles of a measurement window (what `node --cpu-prof` records, minus start-up and
// warm-up), through the inspector of the process itself.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

let session;

function post(method, params) {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

export async function profileStart({ intervalUs = 250 } = {}) {
  session = new Session();
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: intervalUs });
  await post('Profiler.start');
  return {};
}

export async function profileStop({ file }) {
  const { profile } = await post('Profiler.stop');
  session.disconnect();
  session = undefined;
  writeFileSync(file, JSON.stringify(profile));
  return file;
}
