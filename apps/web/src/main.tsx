/** The web UI's entry: mount the app, follow the hash route, sign in with this browser's key. */
import { render } from 'preact';
import { App } from './ui/app.js';
import { followNodes } from './state/nodes.js';
import { watchRoute } from './state/route.js';
import { signIn } from './state/session.js';
import { claimFromHash } from './state/claim.js';

watchRoute();
followNodes();
render(<App />, document.getElementById('app') as HTMLElement);
void claimFromHash().then(() => signIn());
