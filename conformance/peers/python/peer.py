#!/usr/bin/python3
"""
Conformance peer: autobahn-python (Twisted or asyncio) runs the interop scenario of
conformance/peers/README.md against a router and prints one JSON object per line on
stdout for everything that happened.

Run with Debian's interpreter (/usr/bin/python3, python3-autobahn 22.7.1), e.g.

    /usr/bin/python3 peer.py --flavor twisted --url ws://127.0.0.1:8080/ws \
        --serializer cbor --realm realm1 --prefix conf.t1 \
        --authmethod cryptosign --authid alice --seed <64 hex>
"""
import argparse
import binascii
import json
import sys


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--flavor', choices=['twisted', 'asyncio'], default='twisted')
    p.add_argument('--url', required=True, help='ws://, wss:// or rs:// (RawSocket) URL')
    p.add_argument('--serializer', default='json', choices=['json', 'msgpack', 'cbor'])
    p.add_argument('--realm', default='realm1')
    p.add_argument('--prefix', required=True, help='URI prefix of this run: <prefix>.peer.*, <prefix>.ours.*')
    p.add_argument('--authmethod', default='anonymous',
                   choices=['anonymous', 'ticket', 'wampcra', 'cryptosign', 'scram', 'tls'])
    p.add_argument('--authid')
    p.add_argument('--ticket')
    p.add_argument('--secret', help='WAMP-CRA secret (salting parameters come from the router)')
    p.add_argument('--seed', help='cryptosign: the Ed25519 private key seed, 64 hex')
    p.add_argument('--channel-binding', choices=['tls-unique'])
    p.add_argument('--password', help='scram: the password (the router names the KDF)')
    p.add_argument('--client-cert', help='PEM client certificate for TLS (auth tls)')
    p.add_argument('--client-key', help='PEM key of --client-cert')
    p.add_argument('--cafile', help='PEM certificate to trust for wss:// / rss://')
    p.add_argument('--tls-max', choices=['1.2', '1.3'], help='highest TLS version to offer')
    p.add_argument('--timeout', type=float, default=20.0, help='seconds to wait for the router')
    return p.parse_args()


OPTS = parse_args()

if OPTS.flavor == 'twisted':
    from autobahn.twisted.component import Component, run
else:
    from autobahn.asyncio.component import Component, run
    from autobahn.asyncio import rawsocket as _aio_rawsocket
    if not hasattr(_aio_rawsocket.WampRawSocketClientProtocol, 'transport_details'):
        # autobahn 22.7.1 bug: the asyncio RawSocket protocol lacks the `transport_details`
        # property that Session.onWelcome reads (Twisted's has it), so no asyncio RawSocket
        # session could ever join, whatever the router. Add it.
        _aio_rawsocket.WampRawSocketClientProtocol.transport_details = property(
            lambda self: self._transport_details)

import txaio  # noqa: E402  (the component import selects the txaio flavour)
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.types import (  # noqa: E402
    CallOptions, CallResult, PublishOptions, RegisterOptions, SubscribeOptions)


def plain(v):
    """JSON-safe copy: bytes become {"$bytes": hex}."""
    if isinstance(v, (bytes, bytearray)):
        return {'$bytes': binascii.b2a_hex(bytes(v)).decode()}
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v


FAILED = []
JOINED = []


def out(kind, **fields):
    if kind == 'fatal':
        FAILED.append(fields)
    if kind == 'joined':
        JOINED.append(fields)
    # Twisted redirects print() into its log; write to the real stdout.
    sys.__stdout__.write(json.dumps(dict(kind=kind, **plain(fields))) + '\n')
    sys.__stdout__.flush()


def split_result(res):
    if isinstance(res, CallResult):
        return list(res.results), dict(res.kwresults)
    if res is None:
        return [], {}
    return [res], {}


def tls_option(host):
    """The endpoint `tls` setting: trust --cafile, optionally cap the TLS version."""
    if OPTS.client_cert:
        # A client certificate (auth `tls`).
        if OPTS.flavor == 'asyncio':
            import ssl
            ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=OPTS.cafile)
            ctx.load_cert_chain(OPTS.client_cert, OPTS.client_key)
            return ctx
        from twisted.internet.ssl import Certificate, PrivateCertificate, optionsForClientTLS
        root = Certificate.loadPEM(open(OPTS.cafile).read())
        mine = PrivateCertificate.loadPEM(open(OPTS.client_cert).read() + open(OPTS.client_key).read())
        return optionsForClientTLS(host, trustRoot=root, clientCertificate=mine)
    if OPTS.tls_max is None:
        return {'hostname': host, 'trust_root': OPTS.cafile} if OPTS.cafile else True
    if OPTS.flavor == 'asyncio':
        import ssl
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=OPTS.cafile)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2 if OPTS.tls_max == '1.2' else ssl.TLSVersion.TLSv1_3
        return ctx
    from twisted.internet.ssl import Certificate, TLSVersion, optionsForClientTLS
    root = Certificate.loadPEM(open(OPTS.cafile).read()) if OPTS.cafile else None
    if OPTS.tls_max == '1.3':
        return optionsForClientTLS(host, trustRoot=root)
    # Twisted 22.4 excludes the version passed as lowerMaximumSecurityTo itself
    # (_getExcludedTLSProtocols slices from its index), so "at most 1.2" is spelled 1.3.
    return optionsForClientTLS(host, trustRoot=root,
                               extraCertificateOptions={'lowerMaximumSecurityTo': TLSVersion.TLSv1_3})


def transport_config():
    url = OPTS.url
    secure = url.startswith('wss:') or url.startswith('rss:')
    if url.startswith('rs'):
        t = {'type': 'rawsocket', 'url': url, 'serializer': OPTS.serializer}
    else:
        t = {'type': 'websocket', 'url': url, 'serializers': [OPTS.serializer]}
    t['max_retries'] = 0
    if secure:
        hostport = url.split('://', 1)[1].split('/', 1)[0]
        host, port = hostport.rsplit(':', 1)
        t['endpoint'] = {'type': 'tcp', 'host': host, 'port': int(port), 'tls': tls_option(host)}
    return t


def authentication():
    m = OPTS.authmethod
    if m == 'anonymous':
        return None  # HELLO without authmethods: what most applications send
    if m == 'ticket':
        return {'ticket': {'authid': OPTS.authid, 'ticket': OPTS.ticket}}
    if m == 'wampcra':
        return {'wampcra': {'authid': OPTS.authid, 'secret': OPTS.secret}}
    if m == 'scram':
        # autobahn 22.7.1 bug: its PBKDF2 path passes the challenge's base64 salt *text*
        # to pbkdf2(), which raises "Invalid argument types" (its Argon2 path decodes the
        # salt). Decode it the same way, so the rest of its SCRAM (AuthMessage, proof,
        # server signature check) runs as shipped.
        import base64
        from autobahn.wamp import auth as _auth
        _orig = _auth._hash_pbkdf2_secret
        _auth._hash_pbkdf2_secret = lambda pw, salt, it: _orig(pw, base64.b64decode(salt), it)
        return {'scram': {'authid': OPTS.authid, 'password': OPTS.password}}
    if m == 'tls':
        return {'tls': TlsAuthenticator()}
    cfg = {'privkey': OPTS.seed}
    if OPTS.authid:
        cfg['authid'] = OPTS.authid
    if OPTS.channel_binding:
        cfg['authextra'] = {'channel_binding': OPTS.channel_binding}
    return {'cryptosign': cfg}


class TlsAuthenticator(object):
    """autobahn has no WAMP-TLS authenticator: HELLO just offers `tls`, the certificate does the rest."""
    name = 'tls'
    authextra = {}
    _args = {}

    def on_challenge(self, session, challenge):
        raise RuntimeError('WAMP-TLS sends no challenge')

    def on_welcome(self, session, authextra):
        return None


if OPTS.authmethod == 'tls':
    from autobahn.wamp.auth import IAuthenticator
    IAuthenticator.register(TlsAuthenticator)


P = OPTS.prefix
BLOB = b'\x00\x01\xfe\xff'


async def scenario(session, details):
    out('joined', session=details.session, realm=details.realm, authid=details.authid,
        authrole=details.authrole, authmethod=details.authmethod,
        authprovider=details.authprovider)

    # --- callee: three procedures ------------------------------------------------------
    def echo(*args, **kwargs):
        d = kwargs.pop('details')
        out('invoked', procedure=d.procedure or P + '.peer.echo', args=list(args), kwargs=kwargs,
            caller=d.caller, caller_authid=d.caller_authid)
        return CallResult('peer', *args, by='peer', **kwargs)

    def progress(*args, **kwargs):
        d = kwargs.pop('details')
        if d.progress:
            d.progress(1, step=1)
            d.progress(2, step=2)
        out('invoked', procedure=P + '.peer.progress', args=list(args), kwargs=kwargs,
            caller=d.caller, progress=bool(d.progress))
        return CallResult('done', steps=2)

    def fail(*args, **kwargs):
        raise ApplicationError(P + '.error.peer', 'peer failed', 42, code=42)

    reg = RegisterOptions(details_arg='details')
    await session.register(echo, P + '.peer.echo', options=reg)
    await session.register(progress, P + '.peer.progress', options=reg)
    await session.register(fail, P + '.peer.fail')

    # --- subscriber: the inbox our client publishes to last --------------------------
    inbox = txaio.create_future()

    def on_inbox(*args, **kwargs):
        d = kwargs.pop('details')
        out('event', topic=d.topic or P + '.peer.inbox', args=list(args), kwargs=kwargs,
            publisher=d.publisher)
        if not txaio.is_called(inbox):
            txaio.resolve(inbox, None)

    await session.subscribe(on_inbox, P + '.peer.inbox', options=SubscribeOptions(details_arg='details'))
    out('ready')

    # --- caller ------------------------------------------------------------------------
    async def call(name, procedure, *args, **kwargs):
        steps = []
        opts = CallOptions(on_progress=lambda *a, **kw: steps.append({'args': list(a), 'kwargs': kw}))
        try:
            res = await session.call(procedure, *args, options=opts, **kwargs)
        except ApplicationError as e:
            out('error', name=name, error=e.error, args=list(e.args), kwargs=e.kwargs or {})
            return
        a, kw = split_result(res)
        out('result', name=name, args=a, kwargs=kw, progress=steps)

    await call('self-echo', P + '.peer.echo', 1, 'two', three=3)
    await call('ours-echo', P + '.ours.echo', 1, 'two', three=3, blob=BLOB)
    await call('self-progress', P + '.peer.progress')
    await call('ours-progress', P + '.ours.progress')
    await call('self-fail', P + '.peer.fail')
    await call('ours-fail', P + '.ours.fail')
    await call('no-such', P + '.nope')

    # --- publisher ---------------------------------------------------------------------
    pub = await session.publish(P + '.peer.topic', 'hello', 1, origin='peer',
                                options=PublishOptions(acknowledge=True))
    out('published', topic=P + '.peer.topic', publication=pub.id)

    # --- hand over: our client now calls us and publishes to the inbox -----------------
    await call('ours-ready', P + '.ours.ready', details.session)

    def give_up():
        if not txaio.is_called(inbox):
            txaio.reject(inbox, RuntimeError('no event on the inbox'))
    timer = txaio.call_later(OPTS.timeout, give_up)
    await inbox
    timer.cancel()


def main():
    comp = Component(transports=[transport_config()], realm=OPTS.realm,
                     authentication=authentication())

    @comp.on_join
    async def joined(session, details):
        try:
            await scenario(session, details)
        except Exception as e:  # report and leave; the test fails on the missing lines
            out('fatal', error='{}: {}'.format(type(e).__name__, e))
        session.leave()

    @comp.on_leave
    def left(session, details):
        out('left', reason=details.reason, message=details.message)

    def connect_failure(*args):
        out('connectfailure', error=repr(args[-1] if args else None))

    comp.on('connectfailure', connect_failure)
    if OPTS.flavor == 'twisted':
        try:
            run([comp], log_level='error')
        except SystemExit:  # Twisted's react() exits by itself; the exit code is ours
            pass
    else:
        # autobahn 22.7.1's asyncio run() uses @asyncio.coroutine, gone in Python 3.11.
        import asyncio
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        txaio.config.loop = loop
        txaio.start_logging(level='error')
        try:
            loop.run_until_complete(comp.start(loop))
        except Exception as e:
            out('stopped', error='{}: {}'.format(type(e).__name__, e))
    # Success means: joined, ran the scenario without a failure, left.
    sys.exit(0 if JOINED and not FAILED else 1)


if __name__ == '__main__':
    main()
