// The worker's own check of an argument before Embind copies it into the wasm heap (SECURITY.md):
// the limits come from the core's schema answer, the refusal has the core's error shape, and the
// count is the UTF-8 byte count the module's lengthBytesUTF8 makes. tests/node/worker.test.mjs
// checks the same through the real worker and module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readArgumentLimits, refuseArgument, utf8LongerThan } from '../../../build/web-unit/protocol.js';

// A schema answer as the core gives it (only the keys read here; the numbers are test values, so
// the check is seen to use what the schema says, not numbers of its own).
const schemaText = (limits) => JSON.stringify({ limits: { list_length: 64, ...limits }, ok: true, schema_version: 7 });
const limits = readArgumentLimits(schemaText({ json_bytes: 40, share_link_chars: 10 }));

test('the limits are read from the schema answer', () => {
  assert.deepEqual(limits, { json_bytes: 40, share_link_chars: 10, schema_version: 7 });
});

test('a schema without a limit is refused, naming it', () => {
  assert.throws(() => readArgumentLimits(schemaText({ share_link_chars: 10 })), /limits\.json_bytes/);
  assert.throws(() => readArgumentLimits(schemaText({ json_bytes: 40 })), /limits\.share_link_chars/);
  assert.throws(() => readArgumentLimits(schemaText({ json_bytes: '40', share_link_chars: 10 })), /limits\.json_bytes/);
  assert.throws(() => readArgumentLimits(schemaText({ json_bytes: 0, share_link_chars: 10 })), /limits\.json_bytes/);
  assert.throws(() => readArgumentLimits('{"ok":true,"schema_version":1}'), /limits\.json_bytes/);
});

test('a JSON request up to json_bytes passes; one byte more is too_large in the core shape', () => {
  assert.equal(refuseArgument('evaluate', 'x'.repeat(40), limits), null);
  const text = refuseArgument('evaluate', 'x'.repeat(41), limits);
  assert.equal(
    text,
    '{"error":{"code":"too_large","message":"the request is more than 40 bytes; the limit is 40 (limits.json_bytes)","path":""},"ok":false,"schema_version":7}',
  );
  for (const fn of ['getPreset', 'describeModel', 'modelFromHf', 'search', 'frontier', 'maxContext', 'calibrate', 'reproduce', 'decode']) {
    assert.equal(refuseArgument(fn, 'x'.repeat(40), limits), null, fn);
    assert.equal(JSON.parse(refuseArgument(fn, 'x'.repeat(41), limits)).error.code, 'too_large', fn);
  }
});

test('a link is held to share_link_chars, not json_bytes', () => {
  assert.equal(refuseArgument('decodeLink', 'v'.repeat(10), limits), null);
  const e = JSON.parse(refuseArgument('decodeLink', 'v'.repeat(11), limits));
  assert.deepEqual(e.error, {
    code: 'too_large',
    message: 'the link is more than 10 characters long; links up to 10 are accepted (limits.share_link_chars)',
    path: '',
  });
});

test('bytes are counted as UTF-8, as Embind writes them', () => {
  // é is 2 bytes, € 3, an astral character (a surrogate pair, 2 UTF-16 units) 4.
  assert.equal(refuseArgument('evaluate', 'é'.repeat(20), limits), null);
  assert.notEqual(refuseArgument('evaluate', 'é'.repeat(20) + 'x', limits), null, '41 bytes in 21 units');
  assert.equal(utf8LongerThan('€'.repeat(13), 39), false);
  assert.equal(utf8LongerThan('€'.repeat(13), 38), true);
  assert.equal(utf8LongerThan('😀'.repeat(10), 40), false);
  assert.equal(utf8LongerThan('😀'.repeat(10), 39), true);
  // A lone surrogate is counted as the module counts it: 4 bytes with the unit after it.
  assert.equal(utf8LongerThan('\ud800x', 4), false);
  assert.equal(utf8LongerThan('\ud800x', 3), true);
  // Each count equals the module's formula on a mixed string.
  const mixed = 'a\u00ff\u0800\uffff😀\ud800\udc00z';
  assert.equal(utf8LongerThan(mixed, 1 + 2 + 3 + 3 + 4 + 4 + 1), false);
  assert.equal(utf8LongerThan(mixed, 1 + 2 + 3 + 3 + 4 + 4), true);
});

test('an argument that is not text is a type_error; functions without an argument ignore it', () => {
  for (const arg of [new Uint8Array(8), 42, null, undefined, { a: 1 }]) {
    const e = JSON.parse(refuseArgument('evaluate', arg, limits));
    assert.equal(e.ok, false);
    assert.equal(e.error.code, 'type_error');
    assert.equal(e.error.path, '');
    assert.match(e.error.message, /evaluate must be text/);
  }
  for (const fn of ['engineVersion', 'listPresets', 'schema']) assert.equal(refuseArgument(fn, new Uint8Array(1 << 20), limits), null, fn);
});
