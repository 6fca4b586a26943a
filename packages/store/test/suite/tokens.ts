/**
 * Shared suite, API tokens: made per realm with a unique label, read by ID, listed,
 * revoked (only in their own realm), last use recorded forwards only, bad input INVALID,
 * and gone with their realm.
 * @module
 */
import assert from 'node:assert/strict';
import type { NewToken } from '../../src/index.js';
import type { Case } from './harness.js';
import { at, must, rejectsWith, seed } from './harness.js';

function token(id: string, label: string, extra: Partial<NewToken> = {}): NewToken {
  return {
    token_id: id.padEnd(16, '0'),
    realm: 'realm-a',
    label,
    role: 'cdc-guest',
    salt: 'ab'.repeat(16),
    hash: 'cd'.repeat(32),
    created_by: 'alice',
    ...extra,
  };
}

export function tokenCases(it: Case): void {
  it('tokens', 'a token is stored with its hash, found by ID and listed by label', async (c) => {
    const d = await seed(c);
    const t = await d.createToken(token('a1', 'ci', { role: 'cdc-devop', expires_at: at(60) }));
    assert.equal(t.token_id, 'a100000000000000');
    assert.equal(t.role, 'cdc-devop');
    assert.equal(t.expires_at, at(60));
    assert.equal(t.last_used, null);
    assert.match(t.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(await d.getToken(t.token_id), t);
    const u = await d.createToken(token('b2', 'backup'));
    assert.equal(u.expires_at, null);
    assert.deepEqual(
      (await d.listTokens('realm-a')).map((x) => x.label),
      ['backup', 'ci'],
    );
    assert.deepEqual(await d.listTokens('realm-b'), []);
    assert.equal(await d.getToken('ffffffffffffffff'), undefined);
    assert.equal(await d.getToken('not an id'), undefined);
  });

  it('tokens', 'labels are unique per realm; a missing realm is NOT_FOUND', async (c) => {
    const d = await seed(c);
    await d.createRealm({ name: 'realm-b', owner: 'alice' });
    await d.createToken(token('a1', 'ci'));
    await rejectsWith(d.createToken(token('a2', 'ci')), 'ALREADY_EXISTS', /labelled "ci"/);
    await rejectsWith(d.createToken(token('a1', 'other')), 'ALREADY_EXISTS', /token ID/);
    await d.createToken(token('a3', 'ci', { realm: 'realm-b' }));
    await rejectsWith(
      d.createToken(token('a4', 'x', { realm: 'realm-zzz' })),
      'NOT_FOUND',
      /realm "realm-zzz"/,
    );
    assert.equal((await d.listTokens('realm-a')).length, 1);
  });

  it('tokens', 'bad tokens are INVALID and nothing is written', async (c) => {
    const d = await seed(c);
    const bad: [Partial<NewToken>, RegExp][] = [
      [{ label: '' }, /token label/],
      [{ label: 'has space' }, /token label/],
      [{ label: 'x'.repeat(65) }, /token label/],
      [{ role: 'root' as never }, /role/],
      [{ token_id: 'XYZ' }, /token ID/],
      [{ salt: 'nothex' }, /token salt/],
      [{ hash: 'AB'.repeat(32) }, /token hash/],
      [{ expires_at: 'tomorrow' }, /token expiry/],
      [{ created_by: '' }, /token creator/],
    ];
    for (const [change, message] of bad)
      await rejectsWith(d.createToken(token('a1', 'ci', change)), 'INVALID', message);
    await rejectsWith(d.createToken(null as never), 'INVALID');
    assert.deepEqual(await d.listTokens('realm-a'), []);
  });

  it('tokens', 'revoking removes a token of its own realm only', async (c) => {
    const d = await seed(c);
    await d.createRealm({ name: 'realm-b', owner: 'alice' });
    const t = await d.createToken(token('a1', 'ci'));
    assert.equal(await d.revokeToken('realm-b', t.token_id), undefined);
    assert.deepEqual(await d.revokeToken('realm-a', t.token_id), t);
    assert.equal(await d.getToken(t.token_id), undefined);
    assert.equal(await d.revokeToken('realm-a', t.token_id), undefined);
  });

  it('tokens', 'last_used only moves forwards', async (c) => {
    const d = await seed(c);
    const t = await d.createToken(token('a1', 'ci'));
    const u = await d.createToken(token('a2', 'deploy'));
    await d.touchTokens([[t.token_id, at(10)]]);
    assert.equal(must(await d.getToken(t.token_id)).last_used, at(10));
    await d.touchTokens([[t.token_id, at(5)]]);
    assert.equal(must(await d.getToken(t.token_id)).last_used, at(10));
    // A batch: each token its own time, an unknown (revoked) ID changes nothing.
    await d.touchTokens([
      [t.token_id, at(20)],
      ['ffffffffffffffff', at(30)],
      [u.token_id, at(15)],
    ]);
    assert.equal(must(await d.getToken(t.token_id)).last_used, at(20));
    assert.equal(must(await d.getToken(u.token_id)).last_used, at(15));
    // A bad time refuses the whole batch: nothing written.
    await rejectsWith(
      d.touchTokens([
        [u.token_id, at(40)],
        [t.token_id, 'yesterday'],
      ]),
      'INVALID',
      /time/,
    );
    assert.equal(must(await d.getToken(u.token_id)).last_used, at(15));
    await d.touchTokens([]);
  });

  it('tokens', "a deleted realm's tokens go with it", async (c) => {
    const d = await seed(c);
    const t = await d.createToken(token('a1', 'ci'));
    assert.equal(await d.deleteRealm('realm-a'), true);
    assert.equal(await d.getToken(t.token_id), undefined);
  });
}
