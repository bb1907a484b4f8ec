// src/core-types.ts is what the core's schema generates now (scripts/gen-core-types.mjs): the
// page's document types cannot drift from the fields the core reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { generate, schemaFromWasm, OUTPUT } from '../../scripts/gen-core-types.mjs';

test('src/core-types.ts is generated from the core schema', async () => {
  const schema = await schemaFromWasm();
  const committed = await readFile(OUTPUT, 'utf8');
  assert.equal(committed, generate(schema), 'run `node scripts/gen-core-types.mjs` in web/');
});

test('the schema describes the scenario fields the page edits', async () => {
  const schema = await schemaFromWasm();
  const keys = schema.documents.scenario.fields.map((f) => f.key);
  for (const k of [
    'model',
    'hardware',
    'chips',
    'topology',
    'phase',
    'batch',
    'input_tokens',
    'generate_tokens',
    'weights',
    'ffn_layout',
    'attention_sharding',
    'mode',
    'objective',
    'max_latency_s',
    'max_latency_per_token_s',
  ]) {
    assert.ok(keys.includes(k), k);
  }
});
