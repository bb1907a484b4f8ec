import { test } from 'node:test';
import assert from 'node:assert/strict';

const { format } = await import('../../../build/web-unit/format.js');
const J = await import('../../../build/web-unit/json.js');

test('format: units and four significant digits', () => {
  assert.equal(format(540354281472, 'count'), '540.4 B');
  assert.equal(format(1080708562944, 'bytes'), '1006 GiB');
  assert.equal(format(120832, 'bytes'), '118.0 KiB');
  assert.equal(format(34359738368, 'bytes'), '32.00 GiB');
  assert.equal(format(0.0291, 's'), '29.10 ms');
  assert.equal(format(2.5e-6, 's'), '2.500 µs');
  assert.equal(format(0.4321, 'fraction'), '43.2 %');
  assert.equal(format(0.99996, 's'), '1000 ms');
  assert.equal(format(1.5, 's'), '1.500 s');
  assert.equal(format(118, 'int'), '118');
  assert.equal(format(Number.NaN, 's'), '—');
});

test('readAnswer: ok, error and garbage', () => {
  assert.deepEqual(J.readAnswer('{"ok":true,"schema_version":1,"x":1}'), { ok: true, value: { ok: true, schema_version: 1, x: 1 } });
  assert.deepEqual(J.readAnswer('{"ok":false,"schema_version":1,"error":{"code":"c","path":"/p","message":"m"}}'), {
    ok: false,
    error: { code: 'c', path: '/p', message: 'm' },
  });
  assert.deepEqual(J.readAnswer('{"ok":false,"schema_version":1}'), { ok: false, error: { code: 'error', path: '', message: 'the engine reported an error' } });
  assert.equal(J.readAnswer('nope').ok, false);
  assert.equal(J.readAnswer('[1]').ok, false);
});

test('readAnswer refuses an answer of another result schema version before a view reads it', () => {
  for (const text of ['{"ok":true,"x":1}', '{"ok":true,"schema_version":2,"x":1}', '{"ok":true,"schema_version":"1"}']) {
    const a = J.readAnswer(text);
    assert.equal(a.ok, false, text);
    assert.equal(a.error.code, 'bad_response', text);
    assert.match(a.error.message, /schema_version .* this page reads version 1/, text);
  }
  assert.equal(J.readResult('{"ok":true,"schema_version":1,"rows":[]}').ok, true);
});

test('field readers read own properties only and check types', () => {
  const o = JSON.parse('{"a":1,"__proto__":{"b":2},"s":"t","n":null}');
  assert.equal(J.num(o, 'a'), 1);
  assert.equal(J.optNum(o, 'b'), undefined);
  assert.equal(J.optNum(o, 'toString'), undefined);
  assert.throws(() => J.num(o, 's'));
  assert.throws(() => J.num(o, 'n'));
  assert.equal(J.str(o, 's'), 't');
  assert.equal({}.b, undefined);
});
