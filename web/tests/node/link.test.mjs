// Golden share links: streams made by node's own DEFLATE (CompressionStream('deflate-raw'), the
// page's encoder, and zlib's deflateRawSync at every level and strategy, which between them emit
// stored, fixed-Huffman and dynamic-Huffman blocks) decode to the same text in the core's
// decoder (api::DecodeLink in the wasm module the page bundles).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { constants, deflateRawSync } from 'node:zlib';

let core;
before(async () => {
  const { default: createEstiCore } = await import('../../src/wasm/esti_core.mjs');
  const wasmBinary = await readFile(new URL('../../src/wasm/esti_core.wasm', import.meta.url));
  core = await createEstiCore({ wasmBinary });
});

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

async function compressionStream(text, chunks = 1) {
  const bytes = new TextEncoder().encode(text);
  const cs = new CompressionStream('deflate-raw');
  const writer = cs.writable.getWriter();
  const step = Math.ceil(bytes.length / chunks) || 1;
  for (let at = 0; at < bytes.length; at += step) writer.write(bytes.subarray(at, at + step));
  writer.close();
  const parts = []; // (no Response: test:node runs with --no-experimental-fetch)
  for await (const part of cs.readable) parts.push(part);
  return new Uint8Array(Buffer.concat(parts));
}

// Seeded text generator: JSON-like, with repeats (long copies) and multi-byte characters.
function texts() {
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const words = ['"model"', '"palm-540b"', '"batch"', ':', ',', '[', ']', '{', '}', '64', '"ünïcødé ✓"', '😀', ' ', '"int8"', '\n'];
  const out = [];
  for (let i = 0; i < 40; i++) {
    let s = '';
    const n = Math.floor(rnd() * (i < 30 ? 300 : 8000));
    for (let j = 0; j < n; j++) s += rnd() < 0.9 ? words[Math.floor(rnd() * words.length)] : String.fromCharCode(32 + Math.floor(rnd() * 0x500));
    out.push(s || 'x');
  }
  return out;
}

async function presetTexts() {
  const out = [];
  for (const kind of ['scenarios', 'models', 'hardware']) {
    const dir = new URL(`../../../presets/${kind}/`, import.meta.url);
    for (const f of (await readdir(dir)).sort()) out.push(await readFile(new URL(f, dir), 'utf8'));
  }
  return out;
}

function decodesTo(fragment, text, what) {
  const a = JSON.parse(core.decodeLink(fragment));
  assert.equal(a.ok, true, `${what}: ${JSON.stringify(a.error)}`);
  assert.equal(a.empty, false);
  assert.equal(a.scenario, text, what);
}

test('links made by CompressionStream decode identically in the core', async () => {
  const all = [...(await presetTexts()), ...texts()];
  for (const [i, text] of all.entries()) {
    for (const chunks of [1, 7]) {
      decodesTo(`#v=1&s=${b64url(await compressionStream(text, chunks))}`, text, `text ${i}, ${chunks} chunks`);
    }
  }
  const [a, b] = all;
  const two = JSON.parse(core.decodeLink(`#v=1&s=${b64url(await compressionStream(a))}&b=${b64url(await compressionStream(b))}&view=compare`));
  assert.deepEqual([two.scenario, two.second_scenario, two.view], [a, b, 'compare']);
});

test('streams from zlib at every level and strategy decode identically', async () => {
  const strategies = [constants.Z_DEFAULT_STRATEGY, constants.Z_FILTERED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FIXED];
  // Short texts only: a stored (level 0) stream of the long ones would pass the 16 KiB link cap.
  const all = [
    ...(await presetTexts()).slice(0, 6),
    ...texts()
      .slice(0, 30)
      .filter((_, i) => i % 3 === 0),
  ];
  let streams = 0;
  const blockTypes = new Set();
  for (const text of all) {
    for (let level = 0; level <= 9; level++) {
      for (const strategy of strategies) {
        const raw = deflateRawSync(Buffer.from(text), { level, strategy });
        blockTypes.add((raw[0] >> 1) & 3);
        decodesTo(`v=1&s=${b64url(raw)}`, text, `level ${level} strategy ${strategy}`);
        streams++;
      }
    }
  }
  assert.deepEqual([...blockTypes].sort(), [0, 1, 2], 'stored, fixed and dynamic blocks were all exercised');
  assert.ok(streams >= 500, `${streams} streams`);
});

test('at the cap, over it, and corrupt: the coded errors', () => {
  const cap = 64 * 1024;
  const at = 'a'.repeat(cap);
  decodesTo(`#v=1&s=${b64url(deflateRawSync(Buffer.from(at)))}`, at, 'exactly the cap');
  const over = JSON.parse(core.decodeLink(`#v=1&s=${b64url(deflateRawSync(Buffer.from(at + 'a')))}`));
  assert.deepEqual([over.ok, over.error.code, over.error.path], [false, 'too_large', '/s']);
  // Bytes after the final block, a flipped block type, a truncated stream.
  const good = deflateRawSync(Buffer.from('{"model":"palm-8b"}'));
  for (const [bytes, why] of [
    [Buffer.concat([good, Buffer.from([0])]), 'data follows the end'],
    [Buffer.from([good[0] | 6, ...good.subarray(1)]), 'invalid block type 3'],
    [good.subarray(0, good.length - 2), 'ends inside'],
  ]) {
    const r = JSON.parse(core.decodeLink(`#v=1&s=${b64url(bytes)}`));
    assert.deepEqual([r.ok, r.error.code, r.error.path], [false, 'invalid_value', '/s'], why);
    assert.match(r.error.message, new RegExp(`not valid compressed data \\(.*${why}`));
  }
});
