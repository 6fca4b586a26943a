#!/usr/bin/python3
"""
API-token peer (../README.md, "API tokens"): autobahn-python (Twisted) joins a CDC
management realm with a token as its WAMP ticket, calls one procedure, prints JSON lines
(`joined`, `result` or `error`, `waiting`, `left` with the reason), and waits up to
--wait-close seconds for the router to close the session (the token revoked) before leaving.

    /usr/bin/python3 token_peer.py --url ws://127.0.0.1:9000/ws --realm ops \
        --authid ci --ticket cdc_... --procedure com.crossbario.cdc.get_status@1 [--args '[]']
"""
import argparse
import json
import sys

from twisted.internet import reactor
from twisted.internet.defer import inlineCallbacks
from autobahn.twisted.wamp import ApplicationSession
from autobahn.twisted.websocket import WampWebSocketClientFactory, connectWS
from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.serializer import create_transport_serializer
from autobahn.wamp.types import ComponentConfig

p = argparse.ArgumentParser()
p.add_argument('--url', required=True)
p.add_argument('--realm', required=True)
p.add_argument('--authid', required=True)
p.add_argument('--ticket', required=True)
p.add_argument('--procedure', required=True)
p.add_argument('--args', default='[]')
p.add_argument('--serializer', default='json')
p.add_argument('--wait-close', type=float, default=0)
OPTS = p.parse_args()
STATE = {'joined': False, 'failed': False}


def out(**fields):
    sys.stdout.write(json.dumps(fields) + '\n')
    sys.stdout.flush()


class Session(ApplicationSession):
    def onConnect(self):
        self.join(self.config.realm, ['ticket'], OPTS.authid)

    def onChallenge(self, challenge):
        return OPTS.ticket

    @inlineCallbacks
    def onJoin(self, details):
        STATE['joined'] = True
        out(kind='joined', realm=details.realm, authid=details.authid,
            authrole=details.authrole, authmethod=details.authmethod)
        try:
            r = yield self.call(OPTS.procedure, *json.loads(OPTS.args))
            out(kind='result', args=[r])
        except ApplicationError as e:
            out(kind='error', error=e.error, args=list(e.args))
        except Exception as e:  # noqa: BLE001 - reported, the test fails on it
            STATE['failed'] = True
            out(kind='fatal', error=repr(e))
        out(kind='waiting')
        self.timer = reactor.callLater(OPTS.wait_close, self.leave)

    def onLeave(self, details):
        timer = getattr(self, 'timer', None)
        if timer is not None and timer.active():
            timer.cancel()
        out(kind='left', reason=details.reason, message=details.message)
        self.disconnect()

    def onDisconnect(self):
        if reactor.running:
            reactor.stop()


factory = WampWebSocketClientFactory(lambda: Session(ComponentConfig(OPTS.realm)), url=OPTS.url,
                                     serializers=[create_transport_serializer(OPTS.serializer)])
connectWS(factory)
reactor.run()
sys.exit(0 if STATE['joined'] and not STATE['failed'] else 1)
