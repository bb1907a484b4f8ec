// Compiles the page's pure modules (link codec, formatting, JSON reading, axis ticks, the worker
// protocol; the worker itself for tests/node/worker.test.mjs's use) with tsc into
// build/web-unit and runs the node:test unit tests against them.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('../..', import.meta.url));
rmSync(new URL('../../../build/web-unit', import.meta.url), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.unit.json'], { cwd: web, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const run = spawnSync(
  process.execPath,
  [
    '--test',
    'tests/unit/link.test.mjs',
    'tests/unit/format.test.mjs',
    'tests/unit/ticks.test.mjs',
    'tests/unit/core-client.test.mjs',
    'tests/unit/protocol.test.mjs',
    'tests/unit/requests.test.mjs',
  ],
  { cwd: web, stdio: 'inherit' },
);
process.exit(run.status ?? 1);
