"""
Runs a tutorial program against CDC with Debian's autobahn-python (Twisted).

Where and as whom, from the environment:
  CDC_URL    the center, default ws://127.0.0.1:9000/ws (wss:// binds the signature to TLS)
  CDC_REALM  the management realm; default none: the center picks the one realm the key
             has access to
  CDC_KEY    an OpenSSH Ed25519 private key (ssh-keygen -t ed25519), default ~/.ssh/id_ed25519;
             a passphrase-protected key is used through the running ssh-agent

util.run(main) connects, authenticates with WAMP-cryptosign, calls main(session, details),
leaves when main is done, and stops.
"""
import os
import sys

import txaio
txaio.use_twisted()

from twisted.internet import reactor
from twisted.internet.defer import inlineCallbacks, maybeDeferred
from twisted.internet.error import ReactorNotRunning
from autobahn.twisted.wamp import ApplicationSession, ApplicationRunner
from autobahn.wamp.cryptosign import CryptosignKey


def _public_key_of(path):
    """The 64-hex public key from the .pub file next to a private key."""
    with open(path + '.pub') as f:
        parts = f.read().split()
    from autobahn.wamp.cryptosign import CryptosignKey as K
    return K.from_ssh_bytes(' '.join(parts[:2])).public_key()


def load_key(path):
    """A signing key: the key file itself, or ssh-agent for a passphrase-protected key (a Deferred)."""
    try:
        return CryptosignKey.from_ssh_file(path)
    except Exception as e:
        if 'encrypted' not in str(e):
            raise
        from autobahn.twisted.cryptosign import SSHAgentSigningKey
        return SSHAgentSigningKey.new(_public_key_of(path))


class CDCSession(ApplicationSession):

    @inlineCallbacks
    def onConnect(self):
        self._key = yield maybeDeferred(lambda: self.config.extra['key'])
        secure = self.config.extra['url'].startswith('wss')
        self.join(self.config.realm,
                  authmethods=['cryptosign'],
                  authextra={'pubkey': self._key.public_key(),
                             'trustroot': None,
                             'challenge': None,
                             'channel_binding': 'tls-unique' if secure else None})

    def onChallenge(self, challenge):
        channel_id = None
        if challenge.extra.get('channel_binding') == 'tls-unique':
            channel_id = self.transport.transport_details.channel_id.get('tls-unique')
        return self._key.sign_challenge(challenge, channel_id=channel_id,
                                        channel_id_type='tls-unique' if channel_id else None)

    @inlineCallbacks
    def onJoin(self, details):
        try:
            yield self.config.extra['main'](self, details)
        finally:
            yield self.leave()

    def onLeave(self, details):
        if details.reason not in ('wamp.close.normal', 'wamp.close.goodbye_and_out'):
            self.log.error('left CDC: {reason} {message}', reason=details.reason, message=details.message or '')
        self.disconnect()

    def onDisconnect(self):
        try:
            reactor.stop()
        except ReactorNotRunning:
            pass


def run(main):
    url = os.environ.get('CDC_URL', 'ws://127.0.0.1:9000/ws')
    realm = os.environ.get('CDC_REALM') or None
    keyfile = os.path.expanduser(os.environ.get('CDC_KEY', '~/.ssh/id_ed25519'))
    if not os.path.exists(keyfile):
        sys.exit('no key at {} (set CDC_KEY, or make one with: ssh-keygen -t ed25519 -f {})'.format(keyfile, keyfile))
    key = load_key(keyfile)
    runner = ApplicationRunner(url, realm, extra={'key': key, 'main': main, 'url': url})
    runner.run(CDCSession)
