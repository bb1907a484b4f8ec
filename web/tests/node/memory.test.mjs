// Out of memory against the real 2 GiB cap of the wasm module the page bundles (issue 12 item 4):
// the test fills the instance's heap with the module's own malloc until the heap has grown to
// -sMAXIMUM_MEMORY=2GB (wasm/CMakeLists.txt) and malloc refuses, leaves a few MiB free, and asks
// for a frontier whose answer needs more than that. The core must answer too_large (its 32 MiB
// reserve, core/src/api/oom_reserve.h, covers the unwinding), the same instance must keep
// answering, and once the memory is released the same request must give the same bytes as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const MAX_MEMORY = 2 ** 31; // -sMAXIMUM_MEMORY=2GB
const HEADROOM = 1 << 20; // free heap left for the request: far less than its answer needs

test('a request past the 2 GiB cap answers too_large and the instance keeps working', async () => {
  const { default: createEstiCore } = await import('../../src/wasm/esti_core.mjs');
  const core = await createEstiCore({ wasmBinary: await readFile(new URL('../../src/wasm/esti_core.wasm', import.meta.url)) });
  const small = '{"model":"tiny","chips":8,"phase":"decode","batch":1,"input_tokens":8,"generate_tokens":4}';
  // Every combination with full detail, dominated ones included: ~2.8 MB of JSON, several times
  // that while it is built.
  const large = JSON.stringify({
    model: 'palm-62b',
    input_tokens: 2048,
    generate_tokens: 64,
    include_dominated: true,
    weights: ['bf16', 'int8'],
    batch: [1, 2, 3, 4],
  });
  const smallAnswer = core.evaluate(small);
  assert.equal(JSON.parse(smallAnswer).ok, true);
  const largeAnswer = core.frontier(large);
  assert.equal(JSON.parse(largeAnswer).ok, true);
  assert.ok(largeAnswer.length > 2 * HEADROOM, `${largeAnswer.length} bytes`);

  const held = [];
  for (const size of [64 << 20, 1 << 20, 64 << 10]) {
    for (let p = core._malloc(size); p !== 0; p = core._malloc(size)) held.push([p, size]);
  }
  assert.equal(core.HEAP8.buffer.byteLength, MAX_MEMORY, 'the heap reached the cap');
  let freed = 0;
  while (freed < HEADROOM) {
    const [p, size] = held.pop();
    core._free(p);
    freed += size;
  }

  const starved = JSON.parse(core.frontier(large));
  assert.equal(starved.ok, false);
  assert.equal(starved.error.code, 'too_large');
  assert.match(starved.error.message, /out of memory/);
  // The same instance, still nearly full, answers a small request exactly as before.
  assert.equal(core.evaluate(small), smallAnswer);

  for (const [p] of held) core._free(p);
  assert.equal(core.frontier(large), largeAnswer, 'after the memory is released, the same bytes');
  assert.equal(core.evaluate(small), smallAnswer);
});
