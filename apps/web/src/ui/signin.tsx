/**
 * Before the realm's pages: connecting, the realm picker, and "not authorized" — which shows
 * this browser's public key and the command an owner runs to grant it, and lets a new user
 * register the key with the captcha PIN mail (SPEC §4.4).
 */
import { useState } from 'preact/hooks';
import { chooseRealm, client, describe, pubkey, screen, signIn } from '../state/session.js';

function Copyable({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="copy">
      <code data-testid={label}>{text}</code>
      <button
        onClick={() =>
          // No clipboard outside a secure context.
          void (navigator.clipboard as Clipboard | undefined)?.writeText(text).then(
            () => setCopied(true),
            () => undefined,
          )
        }
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

function RealmField() {
  const [realm, setRealm] = useState('');
  return (
    <form
      class="row"
      onSubmit={(e) => {
        e.preventDefault();
        if (realm.trim() !== '') void chooseRealm(realm.trim());
      }}
    >
      <label>
        Realm{' '}
        <input
          value={realm}
          onInput={(e) => setRealm(e.currentTarget.value)}
          placeholder="default"
        />
      </label>
      <button type="submit">Sign in to this realm</button>
    </form>
  );
}

function Register() {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [id, setId] = useState<number | undefined>(undefined);
  const [pin, setPin] = useState('');
  const [msg, setMsg] = useState('');
  const c = client.value;
  if (c === undefined || !c.can('account.registerUser')) return null;
  if (id === undefined)
    return (
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          c.account.registerUser(name, email, pubkey.value).then(
            (r) => {
              setId(r);
              setMsg(
                `A mail is on its way to ${email}. It holds a picture with a PIN: type the PIN below.`,
              );
            },
            (err: unknown) => setMsg(describe(err)),
          );
        }}
      >
        <h3>Or register this key as a new user</h3>
        <label>
          Name <input value={name} required onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Email{' '}
          <input
            type="email"
            value={email}
            required
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Register</button>
        {msg !== '' && <p class="hint">{msg}</p>}
      </form>
    );
  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        c.account.verifyUserRegistration(id, pin).then(
          () => void signIn(null),
          (err: unknown) => setMsg(describe(err)),
        );
      }}
    >
      <p class="hint">{msg}</p>
      <label>
        PIN{' '}
        <input
          value={pin}
          inputMode="numeric"
          required
          onInput={(e) => setPin(e.currentTarget.value)}
        />
      </label>
      <button type="submit">Verify</button>
    </form>
  );
}

export function SignInScreen() {
  const s = screen.value;
  switch (s.kind) {
    case 'loading':
      return <p class="muted">{s.message}</p>;
    case 'error':
      return (
        <section class="card">
          <h1>Cannot sign in</h1>
          <p role="alert">{s.message}</p>
          <button onClick={() => void signIn()}>Try again</button>
        </section>
      );
    case 'signed-out':
      return (
        <section class="card">
          <h1>Signed out</h1>
          <p>This browser keeps its key; the center keeps its grants.</p>
          <button onClick={() => void signIn(null)}>Sign in</button>
        </section>
      );
    case 'pick-realm':
      return (
        <section class="card">
          <h1>Choose a realm</h1>
          {s.realms.length === 0 && <p>Your account has no management realm yet.</p>}
          <ul class="plain">
            {s.realms.map((r) => (
              <li key={r}>
                <button onClick={() => void chooseRealm(r)}>{r}</button>
              </li>
            ))}
          </ul>
          <RealmField />
        </section>
      );
    case 'not-authorized':
      return (
        <section class="card" data-testid="not-authorized">
          <h1>Not authorized{s.realm !== null ? ` for realm “${s.realm}”` : ''}</h1>
          <p>{s.message}</p>
          <p>Hand this browser's public key to an owner of the realm:</p>
          <Copyable text={pubkey.value} label="pubkey" />
          <p class="hint">The owner runs:</p>
          <Copyable
            text={`cdc grant ${pubkey.value} cdc-admin --label browser`}
            label="grant-command"
          />
          <div class="row">
            <button onClick={() => void signIn(s.realm)}>Try again</button>
          </div>
          <RealmField />
          <Register />
        </section>
      );
    case 'ready':
      return null;
  }
}
