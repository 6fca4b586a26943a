/**
 * `JsonPayload`: a payload kept as JSON text serializes exactly as the parsed payload would
 * (spliced by the JSON serializer, expanded by the binary ones), decodes into `Payload.json`
 * and encodes back in place of args and kwargs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainBytes } from '@cdc/testkit';
import {
  JsonPayload,
  MessageType,
  ProtocolError,
  SERIALIZERS,
  decodeMessage,
  encodeMessage,
  expandJsonPayload,
  jsonSerializer,
  parseJsonPayload,
  serializePayload,
} from '../src/index.js';

const ARGS = [
  { id: 'n1', list: [1, 2.5, null, true], text: 'ünï "quoted"' },
  new Uint8Array([0, 9]),
];
const KWARGS = { k: 'v', bytes: new Uint8Array([255]) };
const PLAIN = [MessageType.RESULT, 7, {}, ARGS, KWARGS];

function asText(message: unknown[]): unknown[] {
  const text = serializePayload(message, 3);
  assert.ok(text !== undefined);
  return [...message.slice(0, 3), new JsonPayload(text)];
}

for (const s of Object.values(SERIALIZERS)) {
  test(`json payload - ${s.id} serializes it exactly as the parsed payload`, () => {
    const withText = asText(PLAIN);
    assert.deepEqual(s.serialize(withText), s.serialize(PLAIN));
    assert.deepEqual(plainBytes(s.unserialize(s.serialize(withText))), PLAIN);
  });
}

test('json payload - expand and parse give the elements back; no payload, no change', () => {
  const withText = asText(PLAIN);
  assert.deepEqual(plainBytes(expandJsonPayload(withText)), PLAIN);
  assert.deepEqual(plainBytes(parseJsonPayload(withText[3] as JsonPayload)), {
    args: ARGS,
    kwargs: KWARGS,
  });
  assert.deepEqual(parseJsonPayload(new JsonPayload('[[1]]')), { args: [1], kwargs: {} });
  const bare = [MessageType.RESULT, 7, {}];
  assert.equal(expandJsonPayload(bare), bare);
  assert.equal(serializePayload(bare, 3), undefined);
  assert.throws(() => expandJsonPayload([...bare, new JsonPayload('{"a":1}')]), TypeError);
});

test('json payload - decodes into Payload.json and encodes back in place of the payload', () => {
  const json = new JsonPayload('[[1],{"a":2}]');
  const m = decodeMessage([MessageType.YIELD, 3, {}, json]);
  assert.equal(m.type, MessageType.YIELD);
  assert.ok('json' in m && m.json === json);
  assert.deepEqual(encodeMessage(m), [MessageType.YIELD, 3, {}, json]);
  assert.equal(jsonSerializer.serialize(encodeMessage(m)), '[70,3,{},[1],{"a":2}]');
  assert.throws(() => decodeMessage([MessageType.YIELD, 3, {}, json, {}]), ProtocolError);
});
