// The command line of the API-token peers (../README.md, "API tokens"), shared by the JS
// ones: join a CDC management realm with a token as the WAMP ticket, call one procedure,
// then wait for the router to close the session (the token revoked) or leave.
import { parseArgs } from 'node:util';

export function tokenOptions() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      serializer: { type: 'string', default: 'json' },
      realm: { type: 'string' },
      authid: { type: 'string' },
      ticket: { type: 'string' },
      procedure: { type: 'string' },
      args: { type: 'string', default: '[]' },
      // Seconds to stay joined after the call, waiting for the router to close the session.
      'wait-close': { type: 'string', default: '0' },
    },
  });
  for (const k of ['url', 'realm', 'authid', 'ticket', 'procedure'])
    if (values[k] === undefined) {
      process.stderr.write(`missing --${k}\n`);
      process.exit(2);
    }
  return {
    ...values,
    args: JSON.parse(values.args),
    waitCloseMs: Number(values['wait-close']) * 1000,
  };
}
