// Each collective's time under MPI next to the cost model's prediction with this machine's
// measured link (issue 14, "Timing"; README "Layouts that run"):
//   1. `esti link --transport mpi` times every collective kind over every axis group (median of
//      --repeats per size) and fits time = latency + bytes sent per chip / bandwidth;
//   2. `esti decode --transport mpi --link-latency-s L --link-bandwidth B` runs RUNS times; per
//      collective, the median over the runs of its measured seconds and its predicted seconds.
// Prints one table per mesh and the geometric mean and range of measured / predicted.
//   node bench/mesh_timing.mjs [--esti build/native/cli/esti] [--runs 7] [--mesh 2x1x1 --mesh 2x2x2]
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const esti = opt('--esti', 'build/native/cli/esti');
const runs = Number(opt('--runs', '7'));
const meshes = args.flatMap((a, i) => (a === '--mesh' ? [args[i + 1]] : []));
if (meshes.length === 0) meshes.push('2x1x1', '2x2x2');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (s) => (s < 1e-3 ? `${(s * 1e6).toFixed(1)} us` : `${(s * 1e3).toFixed(2)} ms`);

function mpirun(np, cmd) {
  const out = execFileSync('mpirun', ['--allow-run-as-root', '--oversubscribe', '-np', String(np), esti, ...cmd], {
    encoding: 'utf8',
    env: { ...process.env, OMPI_MCA_mpi_yield_when_idle: '1' },
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out);
}

for (const mesh of meshes) {
  const np = mesh.split('x').map(Number).reduce((a, b) => a * b, 1);
  const link = mpirun(np, ['link', '--mesh', mesh, '--transport', 'mpi', '--repeats', '21', '--format', 'json']);
  if (!link.fit) throw new Error(`no fit on ${mesh}: ${link.fit_error}`);
  const { latency_s: lat, bandwidth_bytes_per_s: bw, rms_relative_error: rms } = link.fit;
  const rows = new Map();
  for (let r = 0; r < runs; ++r) {
    const j = mpirun(np, ['decode', '--model', 'tiny', '--prompt', '1,2,3', '--tokens', '8', '--batch', '8',
      '--mesh', mesh, '--ffn-layout', 'ws2d', '--attention-sharding', 'batch', '--transport', 'mpi',
      '--link-latency-s', String(lat), '--link-bandwidth', String(bw), '--format', 'json']);
    for (const c of j.collectives) {
      const key = `${c.phase} ${c.name} ${c.axes}`;
      if (!rows.has(key)) rows.set(key, { c, measured: [], model: [] });
      rows.get(key).measured.push(c.seconds);
      rows.get(key).model.push(c.seconds_model);
    }
  }
  console.log(`\n${mesh} (mpirun -np ${np}, OMPI_MCA_mpi_yield_when_idle=1; ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}): link fit latency ${fmt(lat)}, ` +
    `${(bw / 1e9).toFixed(3)} GB/s per chip, rms error of the fit ${(100 * rms).toFixed(0)}%; decode of tiny, ws2d, ` +
    `attention over batch, batch 8, 8 tokens; medians of ${runs} runs`);
  console.log('phase    collective                       axes  calls  bytes/call  measured/call  predicted/call  ratio');
  const ratios = [];
  for (const [key, { c, measured, model }] of rows) {
    if (c.group <= 1) continue;  // a group of one chip moves nothing
    const m = median(measured) / c.calls, p = median(model) / c.calls;
    ratios.push(m / p);
    const [phase, name] = key.split(' ');
    console.log(`${phase.padEnd(8)} ${name.padEnd(32)} ${c.axes.padEnd(5)} ${String(c.calls).padStart(5)}  ` +
      `${String(c.bytes_measured / c.calls).padStart(10)}  ${fmt(m).padStart(13)}  ${fmt(p).padStart(14)}  ${(m / p).toFixed(2)}`);
  }
  const gmean = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
  console.log(`mesh_timing_${mesh}_ratio_geomean: ${gmean.toFixed(2)}  (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})`);
}
