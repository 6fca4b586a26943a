#!/usr/bin/python3
"""
Cookie authentication with autobahn-python (Twisted): connection 1 logs in with a ticket
and keeps the cookie the router sets in the WebSocket handshake; connection 2 sends that
cookie and offers only `cookie`. Prints one JSON line per session (`joined` with the
principal, or `left` with the ABORT reason) and exits 0 when the second one joined.

    /usr/bin/python3 cookie_peer.py --url ws://127.0.0.1:8080/ws --realm realm1 \
        --authid joe --ticket secret [--cookie-name cbtid] [--tamper]
"""
import argparse
import json
import sys

from twisted.internet import reactor, defer
from autobahn.twisted.wamp import ApplicationSession
from autobahn.twisted.websocket import WampWebSocketClientFactory, WampWebSocketClientProtocol, connectWS
from autobahn.wamp.types import ComponentConfig

p = argparse.ArgumentParser()
p.add_argument('--url', required=True)
p.add_argument('--realm', default='realm1')
p.add_argument('--authid', required=True)
p.add_argument('--ticket', required=True)
p.add_argument('--cookie-name', default='cbtid')
p.add_argument('--tamper', action='store_true', help='change the cookie before sending it back')
OPTS = p.parse_args()


def out(**fields):
    sys.stdout.write(json.dumps(fields) + '\n')
    sys.stdout.flush()


def run(methods, cookie):
    done = defer.Deferred()
    seen = {}

    class Session(ApplicationSession):
        def onConnect(self):
            self.join(self.config.realm, methods, OPTS.authid)

        def onChallenge(self, challenge):
            return OPTS.ticket

        def onJoin(self, details):
            out(kind='joined', authid=details.authid, authrole=details.authrole,
                authmethod=details.authmethod, authprovider=details.authprovider)
            self.leave()

        def onLeave(self, details):
            if details.reason != 'wamp.close.normal':
                out(kind='left', reason=details.reason, message=details.message)
            self.disconnect()

        def onDisconnect(self):
            if not done.called:
                done.callback(seen.get('cookie'))

    class Protocol(WampWebSocketClientProtocol):
        def onConnect(self, response):
            # The cookie the router set in the opening handshake.
            for k, v in response.headers.items():
                if k.lower() == 'set-cookie' and v.startswith(OPTS.cookie_name + '='):
                    seen['cookie'] = v.split(';')[0].split('=', 1)[1]
            return WampWebSocketClientProtocol.onConnect(self, response)

    headers = {'Cookie': '{}={}'.format(OPTS.cookie_name, cookie)} if cookie else None
    factory = WampWebSocketClientFactory(lambda: Session(ComponentConfig(OPTS.realm)),
                                         url=OPTS.url, serializers=None, headers=headers)
    factory.protocol = Protocol
    connectWS(factory)
    return done


@defer.inlineCallbacks
def main():
    ok = False
    try:
        cookie = yield run(['ticket'], None)
        out(kind='cookie', set=cookie is not None)
        if cookie is not None:
            if OPTS.tamper:
                cookie = ('A' if cookie[0] != 'A' else 'B') + cookie[1:]
            yield run(['cookie'], cookie)
            ok = True
    finally:
        reactor.stop()
    main.ok = ok


main.ok = False
reactor.callWhenRunning(main)
reactor.run()
