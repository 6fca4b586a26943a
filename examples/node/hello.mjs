// A router component: runs in the router worker, joined to realm1 in-process.
export default async function (session) {
  await session.register('com.example.hello', (args) => `hello ${String(args[0] ?? 'world')}`);
}
