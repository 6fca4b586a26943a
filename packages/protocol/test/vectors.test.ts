import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  SERIALIZERS,
  decodeMessage,
  encodeMessage,
  ProtocolError,
  type SerializerId,
  type WampMessage,
} from '../src/index.js';
import { sharedDir } from '@cdc/testkit';

interface Sample {
  description: string;
  serializers?: Record<string, { bytes?: string; bytes_hex: string }[]>;
  expected_attributes?: Record<string, unknown>;
  wmsg?: unknown[];
  expected_error?: { type: string; contains?: string };
}

const root = join(sharedDir(), 'wamp-testsuite', 'singlemessage');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.json') ? [p] : [];
  });
}

const FIELD: Record<string, string> = {
  message_type: 'type',
  request_id: 'requestId',
  request_type: 'requestType',
  subscription_id: 'subscription',
  publication_id: 'publication',
  registration_id: 'registration',
  session_id: 'session',
  method: 'authmethod',
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function checkAttributes(msg: WampMessage, expected: Record<string, unknown>): void {
  const m = msg as unknown as Record<string, unknown>;
  for (const [key, want] of Object.entries(expected)) {
    if (key === 'roles') {
      assert.deepEqual((m['details'] as Record<string, unknown>)['roles'], want, key);
      continue;
    }
    const got = m[FIELD[key] ?? key];
    if (key === 'payload') {
      if (want === null) assert.equal(got, undefined);
      else assert.equal(hex(got as Uint8Array), want, 'payload');
    } else if (key === 'kwargs' && want === null) {
      assert.ok(got === undefined || Object.keys(got as object).length === 0, 'kwargs');
    } else if (want === null) {
      assert.equal(got, undefined, key);
    } else {
      assert.deepEqual(got, want, key);
    }
  }
}

/** wmsg vectors write transparent payloads as hex strings; on the wire they are bytes. */
function wireForm(wmsg: unknown[]): unknown[] {
  const out = [...wmsg];
  const last = out[out.length - 1];
  if (
    typeof last === 'string' &&
    /^[0-9a-f]+$/.test(last) &&
    out.some((e) => typeof e === 'object' && e !== null && 'enc_algo' in e)
  ) {
    out[out.length - 1] = Buffer.from(last, 'hex');
  }
  return out;
}

for (const file of files(root)) {
  const name = relative(root, file);
  const vector = JSON.parse(readFileSync(file, 'utf8')) as { samples: Sample[] };
  vector.samples.forEach((sample, i) => {
    test(`vectors - ${name} #${i} ${sample.description}`, () => {
      if (sample.wmsg !== undefined) {
        const wire = wireForm(sample.wmsg);
        if (sample.expected_error === undefined) {
          decodeMessage(wire);
        } else {
          const contains = sample.expected_error.contains ?? '';
          assert.throws(
            () => decodeMessage(wire),
            (e: unknown) => e instanceof ProtocolError && e.message.includes(contains),
          );
        }
        return;
      }
      for (const [serId, variants] of Object.entries(sample.serializers ?? {})) {
        if (!(serId in SERIALIZERS)) continue; // ubjson, flatbuffers: not ours
        const ser = SERIALIZERS[serId as SerializerId];
        const encodings = variants.map((v) => Buffer.from(v.bytes_hex, 'hex'));
        let first: WampMessage | undefined;
        for (const bytes of encodings) {
          const msg = decodeMessage(ser.unserialize(ser.binary ? bytes : bytes.toString('utf8')));
          checkAttributes(msg, sample.expected_attributes ?? {});
          first ??= msg;
        }
        const out = ser.serialize(encodeMessage(first!));
        const outBytes = typeof out === 'string' ? Buffer.from(out, 'utf8') : Buffer.from(out);
        assert.ok(
          encodings.some((e) => e.equals(outBytes)),
          `${serId}: ${outBytes.toString('hex')} matches none of ${encodings.map((e) => e.toString('hex')).join(', ')}`,
        );
      }
    });
  });
}
