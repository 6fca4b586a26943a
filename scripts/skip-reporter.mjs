// A node:test reporter that writes one JSON line per skipped or todo test, so the runner
// (scripts/test.mjs) can refuse skips on CI, where every tool and service must be there.
export default async function* skipReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.skip === undefined && d.todo === undefined) continue;
    const why = d.skip ?? d.todo;
    yield `${JSON.stringify({ name: d.name, file: d.file, why: typeof why === 'string' ? why : '' })}\n`;
  }
}
