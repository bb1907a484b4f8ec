// Link codec: the page's encoder (CompressionStream) and decodeLink through the real wasm core
// (api::DecodeLink, as the worker calls it): round trips, a catalogue of bad links with their
// specific error codes, a random property run (never throws, always a known code, fast), and
// prototype-pollution payloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const L = await import('../../../build/web-unit/link.js');
const { encodeLink, LINK_VERSION } = L;
const { default: createEstiCore } = await import('../../src/wasm/esti_core.mjs');
const core = await createEstiCore({ wasmBinary: await readFile(new URL('../../src/wasm/esti_core.wasm', import.meta.url)) });
const decodeLink = (fragment) => L.decodeLink(fragment, async (f) => core.decodeLink(f));
// The core's limits (core/include/esti/io/share_link.h).
const MAX_FRAGMENT_CHARS = 16 * 1024;
const MAX_SCENARIO_BYTES = 64 * 1024;
const KNOWN = new Set(['link_too_large', 'link_version', 'link_corrupt']);

async function deflateB64(text) {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return Buffer.from(bytes).toString('base64url');
}

test('round trip keeps the scenario text byte for byte', async () => {
  for (const s of ['{"model":"palm-540b"}', '{"a":"ünïcødé ✓","b":[1,2.5e-7,null]}', JSON.stringify({ x: 'y'.repeat(5000) })]) {
    const hash = await encodeLink({ s });
    assert.match(hash, /^#v=1&s=[A-Za-z0-9_-]+$/);
    const d = await decodeLink(hash);
    assert.equal(d.ok, true);
    assert.equal(d.empty, false);
    assert.equal(d.state.s, s);
    assert.equal(d.state.b, undefined);
  }
});

test('round trip with a comparison scenario and a view', async () => {
  const hash = await encodeLink({ s: '{"a":1}', b: '{"b":2}', view: 'compare' });
  const d = await decodeLink(hash);
  assert.deepEqual({ ...d.state }, { s: '{"a":1}', b: '{"b":2}', view: 'compare' });
  assert.equal((await decodeLink(hash.slice(1))).state.s, '{"a":1}', 'leading # optional');
});

test('a typical scenario link is compact', async () => {
  const s = JSON.stringify({
    schema_version: 1,
    model: 'palm-540b',
    hardware: 'tpu-v4',
    chips: 64,
    phase: 'decode',
    batch: 512,
    input_tokens: 2048,
    generate_tokens: 64,
    weights: 'int8',
    ffn_layout: 'auto',
    attention_sharding: 'auto',
    mode: 'calibrated',
  });
  const hash = await encodeLink({ s });
  assert.ok(hash.length < s.length, `${hash.length} < ${s.length}`);
});

test('empty fragments mean "no link"', async () => {
  assert.deepEqual(await decodeLink(''), { ok: true, empty: true });
  assert.deepEqual(await decodeLink('#'), { ok: true, empty: true });
});

test('catalogue of bad links: each gives its specific code', async () => {
  const good = await deflateB64('{"model":"palm-8b"}');
  const bomb = await deflateB64('a'.repeat(MAX_SCENARIO_BYTES + 1));
  const bigBomb = await deflateB64(' '.repeat(10_000_000));
  const badUtf8 = Buffer.from(
    await new Response(new Blob([new Uint8Array([0xff, 0xfe, 0x41])]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer(),
  ).toString('base64url');
  const cases = [
    ['#v=1&s=@@@', 'link_corrupt'],
    ['#v=1&s=', 'link_corrupt'],
    ['#v=1&s=!!!!', 'link_corrupt'],
    ['#v=1&s=N4IgN4IgN4Ig', 'link_corrupt'],
    ['#v=1&s=AAAA', 'link_corrupt'],
    ['#v=1&s=A', 'link_corrupt'],
    ['#v=1&s=' + good.slice(0, -3), 'link_corrupt'],
    ['#v=1&s=' + good + '%20', 'link_corrupt'],
    ['#v=1&s=' + good.replace(/./, 'Z'), 'link_corrupt'],
    ['#v=1&s=' + badUtf8, 'link_corrupt'],
    ['#v=1', 'link_corrupt'],
    ['#s=' + good, 'link_corrupt'],
    ['#v=&s=' + good, 'link_corrupt'],
    ['#v=0&s=' + good, 'link_corrupt'],
    ['#v=-1&s=' + good, 'link_corrupt'],
    ['#v=1.0&s=' + good, 'link_corrupt'],
    ['#v=one&s=' + good, 'link_corrupt'],
    ['#v=1e3&s=' + good, 'link_corrupt'],
    ['#v=1&v=1&s=' + good, 'link_corrupt'],
    ['#v=1&s=' + good + '&s=' + good, 'link_corrupt'],
    ['#v=1&s=' + good + '&x=1', 'link_corrupt'],
    ['#v=1&s=' + good + '&__proto__=1', 'link_corrupt'],
    ['#v=1&s=' + good + '&', 'link_corrupt'],
    ['#v=1&&s=' + good, 'link_corrupt'],
    ['#=1', 'link_corrupt'],
    ['#garbage', 'link_corrupt'],
    ['#v=1&s=' + good + '&view=<img src=x onerror=alert(1)>', 'link_corrupt'],
    ['#v=1&s=' + good + '&view=', 'link_corrupt'],
    ['#v=1&s=' + good + '&b=@@', 'link_corrupt'],
    ['#v=2&s=' + good, 'link_version'],
    ['#v=99&s=@@@', 'link_version'],
    ['#v=123456789&s=' + good, 'link_version'],
    ['#v=1&s=' + bomb, 'link_too_large'],
    ['#v=1&s=' + bigBomb, 'link_too_large'],
    ['#v=1&s=' + good + '&b=' + bomb, 'link_too_large'],
    ['#v=1&s=' + 'A'.repeat(MAX_FRAGMENT_CHARS + 10), 'link_too_large'],
    ['#' + 'x'.repeat(1_000_000), 'link_too_large'],
  ];
  assert.ok(cases.length >= 30);
  for (const [hash, code] of cases) {
    const d = await decodeLink(hash);
    assert.equal(d.ok, false, `${hash.slice(0, 60)} should fail`);
    assert.equal(d.code, code, `${hash.slice(0, 60)}: ${d.message}`);
    assert.equal(typeof d.message, 'string');
    assert.ok(d.message.length > 0 && d.message.length < 300);
  }
});

test('a bomb stops at the cap: too large, not expanded', async () => {
  // 1 MB of spaces compresses to ~1 KB: a valid-length link whose text passes the 64 KiB cap. The
  // core stops inflating at the cap (tests/codec/inflate_test.cpp checks it never writes past it);
  // no timing is asserted here (a shared machine makes timed unit tests flaky).
  const bomb = await deflateB64(' '.repeat(1_000_000));
  assert.ok(bomb.length < MAX_FRAGMENT_CHARS);
  const d = await decodeLink('#v=1&s=' + bomb);
  assert.equal(d.code, 'link_too_large');
  assert.match(d.message, /expands to more than 64 KiB/);
});

test('property: any string decodes to ok or a known code, never throws', async () => {
  // Seeded generator (no dependency): mixes link-like fragments, base64url and random bytes.
  let seed = 0x9e3779b9;
  const rnd = () => (seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  const pieces = [
    '#',
    'v=',
    '1',
    '2',
    '&',
    's=',
    'b=',
    'view=',
    '=',
    '%',
    'A',
    'N4Ig',
    '_',
    '-',
    'ü',
    '\u0000',
    '<',
    '"',
    'q1YqzU1JLVKyUipILMjRNTVU0lFKTC5RslIqTs1LTU0BAA',
  ];
  const runs = 20000;
  for (let i = 0; i < runs; i++) {
    let s = '';
    const n = Math.floor(rnd() * 12);
    for (let j = 0; j < n; j++) {
      s += rnd() < 0.7 ? pieces[Math.floor(rnd() * pieces.length)] : String.fromCharCode(Math.floor(rnd() * 0x3000));
    }
    const d = await decodeLink(s);
    if (!d.ok) assert.ok(KNOWN.has(d.code), `${JSON.stringify(s)} -> ${d.code}`);
    else if (!d.empty) assert.equal(typeof d.state.s, 'string');
  }
});

test('pollution payloads stay text: decoded data is never parsed into page objects', async () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  for (const p of ['{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"model":{"__proto__":{"polluted":1}}}']) {
    const d = await decodeLink(await encodeLink({ s: p }));
    assert.equal(d.state.s, p);
    assert.equal(Object.getPrototypeOf(d.state), Object.prototype);
  }
  assert.equal({}.polluted, undefined);
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
});

test('version constant', () => assert.equal(LINK_VERSION, 1));

test('a failing core call is a link_corrupt answer, not a throw', async () => {
  const d = await L.decodeLink('#v=1&s=AAAA', async () => {
    throw new Error('engine stopped');
  });
  assert.deepEqual(d, { ok: false, code: 'link_corrupt', message: 'the link could not be read (engine stopped)' });
});
