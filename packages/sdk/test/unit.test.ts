/** Units of the SDK: arguments as the wire takes them, the error class, browser keys. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CdcErrors, PROCEDURES } from '@cdc/api';
import type { ProcedureDef } from '@cdc/api';
import { verifyChallengeSignature } from '@cdc/cryptosign';
import { WampError, WampErrors } from '@cdc/protocol';
import { wireArgs } from '../src/call-args.js';
import { CdcError, isCdcError } from '../src/index.js';
import { IDBFactory } from 'fake-indexeddb';
import {
  WebCryptoSigner,
  createKey,
  forgetKey,
  indexedDbKeyStore,
  loadKey,
  memoryKeyStore,
} from '../src/browser/index.js';

const def = (name: string, version = 1): ProcedureDef => {
  const d = PROCEDURES.find((p) => p.name.endsWith(`.${name}`) && p.version === version);
  assert.ok(d, name);
  return d;
};

test('required arguments are positional, options follow in the contract order', () => {
  const log = def('get_worker_log');
  assert.deepEqual(wireArgs(log, 'remote.getWorkerLog', ['n1', 'w1']), ['n1', 'w1']);
  assert.deepEqual(wireArgs(log, 'remote.getWorkerLog', ['n1', 'w1', { limit: 5 }]), [
    'n1',
    'w1',
    5,
  ]);
  assert.deepEqual(wireArgs(log, 'x', ['n1', 'w1', {}]), ['n1', 'w1']);
  const reload = def('reload_router');
  assert.deepEqual(wireArgs(reload, 'x', ['n1', 'r1', { restartIfRequired: true }]), [
    'n1',
    'r1',
    true,
  ]);
});

test('a gap before a later option is filled with its default', () => {
  const profile = def('profile_worker');
  assert.deepEqual(wireArgs(profile, 'x', ['n1', 'w1', { pruneLevel: 3 }]), [
    'n1',
    'w1',
    'v8',
    10,
    5,
    3,
  ]);
  const nodes = def('get_nodes', 3);
  assert.deepEqual(wireArgs(nodes, 'getNodes', [{ status: 'running' }]), [null, 'running']);
  assert.deepEqual(wireArgs(nodes, 'getNodes', [{ type: 'cdc', status: undefined }]), ['cdc']);
});

test('arguments that do not fit are refused before anything is sent', () => {
  const refused = (f: () => unknown, re: RegExp): void => {
    assert.throws(f, (e: unknown) => {
      assert.ok(isCdcError(e, WampErrors.INVALID_ARGUMENT), String(e));
      assert.match(e.message, re);
      return true;
    });
  };
  const log = def('get_worker_log');
  refused(
    () => wireArgs(log, 'remote.getWorkerLog', ['n1']),
    /takes remote\.getWorkerLog\(nodeId, workerId, \{limit\}\), got 1 argument$/,
  );
  refused(() => wireArgs(log, 'remote.getWorkerLog', ['n1', 'w1', {}, 1]), /got 4 arguments/);
  refused(() => wireArgs(log, 'remote.getWorkerLog', ['n1', undefined]), /workerId is missing/);
  refused(() => wireArgs(log, 'remote.getWorkerLog', ['n1', 'w1', 5]), /must be an options object/);
  refused(
    () => wireArgs(log, 'remote.getWorkerLog', ['n1', 'w1', { lim: 5 }]),
    /unknown option "lim" \(it takes limit\)/,
  );
  refused(() => wireArgs(def('get_status'), 'getStatus', [{}]), /takes getStatus\(\), got 1/);
});

test('CdcError carries the URI, the message and the payload', () => {
  const e = CdcError.from(
    new WampError(CdcErrors.RESTART_REQUIRED, ['router "r1" must restart'], { changes: ['x'] }),
    'io.crossbar.cdc.reload_router@1',
  );
  assert.ok(e instanceof WampError, 'a WampError still');
  assert.equal(e.uri, CdcErrors.RESTART_REQUIRED);
  assert.equal(e.message, 'router "r1" must restart');
  assert.deepEqual(e.kwargs, { changes: ['x'] });
  assert.equal(e.procedure, 'io.crossbar.cdc.reload_router@1');
  assert.ok(e.is(CdcErrors.RESTART_REQUIRED));
  assert.ok(isCdcError(e, CdcErrors.RESTART_REQUIRED));
  const again: unknown = e;
  assert.ok(!isCdcError(again, CdcErrors.NODE_OFFLINE));
  assert.match(e.meaning ?? '', /restart/);
  assert.equal(String(e), `CdcError: ${CdcErrors.RESTART_REQUIRED}: router "r1" must restart`);
  assert.equal(CdcError.from(e), e);
  const other = CdcError.from(new Error('boom'));
  assert.equal(other.uri, 'wamp.error.runtime_error');
  assert.equal(other.message, 'boom');
  assert.equal(other.meaning !== undefined, true);
  assert.equal(CdcError.from(new WampError('x.y.z', [{ a: 1 }])).message, '[{"a":1}]');
});

test('the WebCrypto signer answers cryptosign challenges as the center verifies them', async () => {
  const signer = await WebCryptoSigner.generate();
  assert.match(signer.publicKeyHex, /^[0-9a-f]{64}$/);
  assert.equal(signer.keyPair.privateKey.extractable, false);
  const challenge = 'ab'.repeat(32);
  const signed = await signer.signChallenge(challenge);
  assert.ok(verifyChallengeSignature(signer.publicKeyHex, challenge, signed));
  const channel = new Uint8Array(32).fill(7);
  const bound = await signer.signChallenge(challenge, channel);
  assert.ok(verifyChallengeSignature(signer.publicKeyHex, challenge, bound, channel));
  assert.ok(!verifyChallengeSignature(signer.publicKeyHex, challenge, bound));
  await assert.rejects(signer.signChallenge('zz'), /not hex/);
  await assert.rejects(signer.signChallenge('ab'), /32 bytes/);
  const ecdsa = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ]);
  await assert.rejects(WebCryptoSigner.fromKeyPair(ecdsa), /Ed25519 key is needed, not ECDSA/);
});

test('a key store keeps, gives back and forgets a key; the private key stays unexportable', async () => {
  const store = memoryKeyStore();
  assert.equal(await loadKey(store), undefined);
  const made = await createKey(store);
  const again = await loadKey(store);
  assert.equal(again?.publicKeyHex, made.publicKeyHex);
  await assert.rejects(crypto.subtle.exportKey('pkcs8', made.keyPair.privateKey));
  const other = await createKey(store, 'second');
  assert.notEqual(other.publicKeyHex, made.publicKeyHex);
  await forgetKey(store);
  assert.equal(await loadKey(store), undefined);
  assert.equal((await loadKey(store, 'second'))?.publicKeyHex, other.publicKeyHex);
});

test('the IndexedDB key store keeps a non-extractable key across openings of the database', async () => {
  const idb = new IDBFactory();
  const first = indexedDbKeyStore('cdc-test', idb);
  assert.equal(await loadKey(first), undefined);
  const made = await createKey(first);
  // Another page load: a new store over the same database.
  const again = await loadKey(indexedDbKeyStore('cdc-test', idb));
  assert.ok(again);
  assert.equal(again.publicKeyHex, made.publicKeyHex);
  assert.equal(again.keyPair.privateKey.extractable, false);
  const challenge = '01'.repeat(32);
  assert.ok(
    verifyChallengeSignature(made.publicKeyHex, challenge, await again.signChallenge(challenge)),
  );
  await forgetKey(first);
  assert.equal(await loadKey(indexedDbKeyStore('cdc-test', idb)), undefined);
  // Where there is no IndexedDB, the store says so when used.
  await assert.rejects(loadKey(indexedDbKeyStore('cdc-none')), /no IndexedDB/);
});
