// Views of an evaluate-shaped result. Every number is a field of the core's answer as declared in
// core-results.ts (the envelope checked by readResult() in json.ts) and shown through numberEl
// (formatted text, exact value in data-value; a non-finite value shows as "—"). Nothing here
// computes a quantity.
import { h, numberEl } from './dom.ts';
import type { Unit } from './format.ts';
import type {
  Breakdown,
  CollectiveTerm,
  Evaluation,
  LatencyBand,
  MaxContextAnswer,
  MeshDecodeAnswer,
  DecodeAnswer,
  SearchAnswer,
  TensorSharding,
} from './core-results.ts';

function metric(label: string, value: number, unit: Unit, testId: string): HTMLElement {
  return h('div', { class: 'metric' }, h('span', { class: 'label' }, label), numberEl(value, unit, testId));
}

function kvRow(label: string, value: Node | string): HTMLTableRowElement {
  return h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, value));
}

export const FFN_NAMES: Record<string, string> = {
  ws1d: '1D weight-stationary',
  ws2d: '2D weight-stationary',
  wg_x: 'weight-gathered X',
  wg_xy: 'weight-gathered XY',
  wg_xyz: 'weight-gathered XYZ',
};

export function configText(r: Evaluation): string {
  const topo = r.topology.join('×');
  const ffn = r.ffn_layout;
  // The split attention really uses when the core reports it (a weight-gathered layout may split
  // the batch whatever the plan's attention sharding says), else the plan's label.
  const split = r.attention_use?.split;
  const attention = split ? `attention split over ${SPLIT_NAMES[split] ?? split}` : `attention over ${r.attention_sharding}`;
  return `${r.chips} chips (${topo}), batch ${r.batch}, ${r.weights} weights, FFN ${FFN_NAMES[ffn] ?? ffn}, ${attention}`;
}

/** The memory bar: weights, KV cache and working memory against HBM capacity. */
export function memoryBar(r: Evaluation, prefix = 'memory'): HTMLElement {
  const m = r.memory;
  const cap = m.hbm_capacity_bytes;
  const total = r.memory_per_chip_bytes;
  const scale = Math.max(cap, total);
  // Widths are presentation only (percent of the bar), not results.
  const seg = (cls: string, bytes: number) => h('span', { class: cls, style: undefined, 'data-w': String((100 * bytes) / scale) });
  const bar = h(
    'div',
    { class: 'membar', role: 'img', 'aria-label': 'Memory per chip against HBM capacity' },
    seg('w', m.weights_bytes),
    seg('kv', m.kv_cache_bytes),
    seg('act', m.working_bytes),
    h('span', { class: 'cap', 'data-left': String((100 * cap) / scale) }),
  );
  for (const s of bar.querySelectorAll<HTMLElement>('span')) {
    if (s.dataset.w) s.style.width = `${s.dataset.w}%`;
    if (s.dataset.left) s.style.left = `${s.dataset.left}%`;
  }
  return h(
    'div',
    { class: 'memory' },
    bar,
    h(
      'div',
      { class: 'legend' },
      h('span', {}, h('i', { class: 'w' }), 'Weights ', numberEl(m.weights_bytes, 'bytes', `${prefix}-weights_bytes`)),
      h('span', {}, h('i', { class: 'kv' }), 'KV cache ', numberEl(m.kv_cache_bytes, 'bytes', `${prefix}-kv_cache_bytes`)),
      h('span', {}, h('i', { class: 'act' }), 'Working ', numberEl(m.working_bytes, 'bytes', `${prefix}-working_bytes`)),
      h(
        'span',
        {},
        'Total ',
        numberEl(total, 'bytes', `${prefix}-memory_per_chip_bytes`),
        ' of ',
        numberEl(cap, 'bytes', `${prefix}-hbm_capacity_bytes`),
        ' HBM',
      ),
    ),
  );
}

function fitsEl(r: Evaluation): HTMLElement {
  const fits = r.fits === true;
  const reasons = r.does_not_fit;
  return h(
    'div',
    { class: 'fitbox' },
    h('p', { class: 'fit', 'data-fits': String(fits), 'data-testid': 'fits' }, fits ? 'Fits in memory' : 'Does not fit'),
    reasons.length ? h('ul', { class: 'reasons', 'data-testid': 'does-not-fit' }, ...reasons.map((t) => h('li', {}, t))) : null,
  );
}

/** The calibrated number's error band and where the configuration lies outside the data. */
export function bandEl(r: Evaluation): HTMLElement | null {
  const band = r.latency_band;
  const warnings = r.calibration_warnings ?? [];
  if (!band && warnings.length === 0) return null;
  const decode = r.phase === 'decode';
  const [lo, hi] = decode ? (['low_per_token_s', 'high_per_token_s'] as const) : (['low_s', 'high_s'] as const);
  return h(
    'div',
    { class: 'band', 'data-testid': 'latency-band' },
    band
      ? h(
          'p',
          {},
          decode ? 'Per token ' : 'Latency ',
          numberEl(decode ? r.latency_per_token_s : r.latency_s, 's', 'band-value'),
          ', error band ',
          numberEl(band[lo], 's', `latency_band-${lo}`),
          '–',
          numberEl(band[hi], 's', `latency_band-${hi}`),
          h(
            'span',
            { class: 'muted' },
            ` (measured ÷ predicted for the ${band.neighbours} most similar paper measurements, predicted by fits that never saw their model)`,
          ),
        )
      : null,
    warnings.length
      ? h(
          'div',
          {},
          h('p', { class: 'muted' }, 'Calibration warnings:'),
          h('ul', { class: 'reasons', 'data-testid': 'calibration-warnings' }, ...warnings.map((w) => h('li', {}, w))),
        )
      : null,
  );
}

/** One request from prompt to last token: the core's "end_to_end" (prefill of the prompt + decode
 *  of the generated tokens on the same chips, batch and weights, each phase with its own plan). */
function endToEndEl(r: Evaluation): HTMLElement | null {
  const e = r.end_to_end;
  if (!e) return null;
  const phasePlan = (phase: 'prefill' | 'decode'): string | null => {
    const p = e[phase];
    if (!p) return null;
    const ffn = p.ffn_layout;
    const split = p.attention_split ?? p.attention_sharding;
    return `${phase}: FFN ${FFN_NAMES[ffn] ?? ffn}, attention split over ${SPLIT_NAMES[split] ?? split}${p.fits === false ? ' (does not fit in memory)' : ''}`;
  };
  const plans = [phasePlan('prefill'), phasePlan('decode')].filter((x): x is string => x !== null);
  return h(
    'div',
    { class: 'end-to-end', 'data-testid': 'end-to-end' },
    h(
      'p',
      {},
      h('strong', {}, 'End to end per request: '),
      numberEl(e.total_s, 's', 'e2e-total_s'),
      ' = ',
      // A phase with no tokens has no plan (null) and takes no time: say so rather than "+ 0 ns".
      e.prefill
        ? h(
            'span',
            {},
            'time to first token (prefill of ',
            numberEl(e.input_tokens, 'int', 'e2e-input_tokens'),
            ' prompt tokens) ',
            numberEl(e.prefill_s, 's', 'e2e-prefill_s'),
          )
        : 'no prompt to prefill',
      e.decode
        ? h('span', {}, ' + decode of ', numberEl(e.generate_tokens, 'int', 'e2e-generate_tokens'), ' tokens ', numberEl(e.decode_s, 's', 'e2e-decode_s'))
        : ', and no generated tokens (set "Generated tokens" for the decode part)',
      '; cost ',
      numberEl(e.chip_seconds_per_request, 'chip_s', 'e2e-chip_seconds_per_request'),
      ' per request (',
      numberEl(e.chip_seconds, 'chip_s', 'e2e-chip_seconds'),
      ' for the batch of ',
      numberEl(r.batch, 'int', 'e2e-batch'),
      ').',
    ),
    plans.length ? h('p', { class: 'muted' }, `Same chips, batch and weights for both phases; each phase's layout — ${plans.join('; ')}.`) : null,
  );
}

/** View 1: the answer. */
export function renderAnswer(r: Evaluation, note: string): HTMLElement {
  const decode = r.phase === 'decode';
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'answer-title', 'data-view': 'answer' },
    h('h2', { id: 'answer-title' }, 'Answer'),
    h('p', { class: 'muted', 'data-testid': 'config' }, note, configText(r)),
    h(
      'div',
      { class: 'headline' },
      metric(decode ? 'Decode latency (all generated tokens)' : 'Time to first token (whole prompt)', r.latency_s, 's', 'latency_s'),
      // Prefill has no per-token latency: its number is the whole prompt's (shown above).
      decode ? metric('Per generated token', r.latency_per_token_s, 's', 'latency_per_token_s') : null,
      metric('MFU', r.mfu, 'fraction', 'mfu'),
      metric('Cost per token', r.cost_chip_s_per_token, 'chip_s', 'cost_chip_s_per_token'),
      // Only for a chip with a list price (cost_per_chip_hour_usd): the core never invents one.
      r.usd_per_million_tokens !== undefined ? metric('Cost per million tokens', r.usd_per_million_tokens, 'usd', 'usd_per_million_tokens') : null,
      metric('Throughput', r.throughput_tokens_per_s, 'tokens_per_s', 'throughput_tokens_per_s'),
    ),
    endToEndEl(r),
    bandEl(r),
    h('h3', {}, 'Memory per chip'),
    memoryBar(r),
    fitsEl(r),
  );
}

const TERM_LABEL: Record<string, string> = {
  compute: 'Compute',
  weight_load: 'Weight load',
  kv_load: 'KV cache load',
  communication: 'Communication',
  overhead: 'Overhead',
};

function inputsTable(inputs: Record<string, number | string>): HTMLElement {
  const rows: HTMLElement[] = [];
  for (const [k, v] of Object.entries(inputs)) rows.push(kvRow(k, typeof v === 'number' ? numberEl(v, unitOfKey(k), `input-${k}`) : String(v)));
  return h('table', { class: 'kv' }, ...rows);
}

function unitOfKey(k: string): Unit {
  if (k.endsWith('_bytes_per_s')) return 'bytes_per_s';
  if (k.endsWith('_flops_per_s') || k.startsWith('peak_flops')) return 'flops_per_s';
  if (k.endsWith('_bytes') || k.startsWith('bytes')) return 'bytes';
  if (k.endsWith('_s')) return 's';
  if (k.endsWith('efficiency') || k.endsWith('overlap')) return 'fraction';
  if (k.endsWith('flops')) return 'count';
  return 'count';
}

const TOTALS: [keyof Breakdown & `${string}_per_chip`, string, Unit][] = [
  ['weight_bytes_per_chip', 'Weight bytes loaded', 'bytes'],
  ['kv_bytes_per_chip', 'KV cache bytes loaded', 'bytes'],
  ['matmul_flops_per_chip', 'Matmul FLOPs', 'count'],
  ['attention_flops_per_chip', 'Attention FLOPs', 'count'],
];

/** Bytes and FLOPs behind the terms: totals per chip over all of the phase's passes. */
function totalsTable(b: Breakdown): HTMLElement | null {
  const present = TOTALS.filter(([k]) => b[k] !== undefined);
  if (present.length === 0) return null;
  const passes = b.passes;
  const over = `per chip, over ${passes.toLocaleString('en-US')} pass${passes === 1 ? '' : 'es'}`;
  return h(
    'table',
    { class: 'kv totals', 'data-testid': 'breakdown-totals' },
    h('caption', {}, 'Totals ', h('span', { 'data-testid': 'totals-scope', 'data-passes': String(passes) }, over), ' (the whole phase, not one step)'),
    ...present.map(([k, label, unit]) => kvRow(label, numberEl(b[k], unit, `total-${k}`))),
  );
}

/** View 2: time by term, with formulas and inputs on demand, and each collective. */
export function renderBreakdown(r: Evaluation): HTMLElement {
  const b = r.breakdown;
  const terms = b.terms;
  const maxT = Math.max(...terms.map((t) => t.time_s), 1e-30);
  const termRows = terms.map((t) => {
    const name = t.name;
    const time = t.time_s;
    const bar = h('span', { class: 'hbar' });
    bar.style.width = `${(100 * time) / maxT}%`;
    return h(
      'details',
      { class: 'term', 'data-term': name },
      h('summary', {}, h('span', { class: 'term-name' }, TERM_LABEL[name] ?? name), numberEl(time, 's', `term-${name}`), h('span', { class: 'hbar-box' }, bar)),
      h('p', { class: 'formula' }, t.formula),
      inputsTable(t.inputs),
    );
  });
  const colls = b.collectives;
  const collTable = h(
    'table',
    { class: 'grid', 'data-testid': 'collectives' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Collective'),
        h('th', { scope: 'col' }, 'Axes'),
        h('th', { scope: 'col' }, 'Group'),
        h('th', { scope: 'col' }, 'Bytes / chip / layer'),
        h('th', { scope: 'col' }, 'Time / layer'),
        h('th', { scope: 'col' }, 'Time, all layers'),
      ),
    ),
    h(
      'tbody',
      {},
      ...colls.map((c, i) =>
        h(
          'tr',
          {},
          h('td', {}, c.name),
          h('td', {}, c.axes),
          h('td', {}, numberEl(c.group_size, 'int', `coll-${i}-group_size`)),
          h('td', {}, numberEl(c.bytes_per_chip_per_layer, 'bytes', `coll-${i}-bytes_per_chip_per_layer`)),
          h('td', {}, numberEl(c.time_per_layer_s, 's', `coll-${i}-time_per_layer_s`)),
          h('td', {}, numberEl(c.time_s, 's', `coll-${i}-time_s`)),
        ),
      ),
    ),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'breakdown-title', 'data-view': 'breakdown' },
    h('h2', { id: 'breakdown-title' }, 'Time breakdown'),
    h(
      'p',
      { class: 'muted' },
      'Step time: ',
      h('span', { class: 'formula' }, b.step_time_formula),
      ` (${b.passes} pass${b.passes === 1 ? '' : 'es'}). Open a term for its formula and inputs.`,
    ),
    h('div', { class: 'terms' }, ...termRows),
    totalsTable(b),
    h('h3', {}, 'Collectives'),
    colls.length ? h('div', { class: 'scroll' }, collTable) : h('p', { class: 'muted' }, 'None: this layout runs no collectives.'),
  );
}

const TENSOR_NAMES: Record<string, string> = {
  stored_weights: 'Weights (stored)',
  weights_in_use: 'Weights (in use by a matmul)',
  activations: 'Activations',
  attention: 'Attention (Q, K, V)',
  kv_cache: 'KV cache',
};
const DIM_NAMES: Record<string, string> = { B: 'batch', L: 'sequence', E: 'd_model', F: 'd_ff', H: 'heads' };
const DIM_ORDER = ['B', 'L', 'E', 'F', 'H'];

/** An axis badge: the logical axis in its colour with its size from role_sizes. */
function axisBadge(axis: string, roles: Evaluation['role_sizes']): HTMLElement {
  const n = axis === 'x' || axis === 'y' || axis === 'z' ? roles[axis] : undefined;
  return h('span', { class: `ax ax-${axis}`, 'data-axis': axis }, axis, n === undefined ? null : h('span', {}, '=', numberEl(n, 'int')));
}

function axisBadges(axes: string, roles: Evaluation['role_sizes']): HTMLElement[] {
  return [...axes].map((a) => axisBadge(a, roles));
}

/** The paper's notation ("B_xy L E_z") with the subscripts coloured by axis. */
function notationEl(notation: string, testId: string): HTMLElement {
  const parts: (Node | string)[] = [];
  notation.split(' ').forEach((tok, i) => {
    if (i > 0) parts.push(' ');
    const [dim = '', axes = ''] = tok.split('_');
    parts.push(dim);
    if (axes) parts.push(h('sub', {}, ...[...axes].map((a) => h('span', { class: `ax-${a}` }, a))));
  });
  return h('span', { class: 'notation', 'data-testid': testId, 'data-notation': notation }, ...parts);
}

/** Each tensor's split: notation, and per dimension the axes (with sizes) and the ways. */
function shardingTable(r: Evaluation): HTMLElement | null {
  const rows: TensorSharding[] = r.sharding ?? [];
  if (rows.length === 0) return null;
  const roles = r.role_sizes;
  const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  const dims: string[] = [];
  for (const d of DIM_ORDER) if (rows.some((t) => has(t.splits, d))) dims.push(d);
  for (const t of rows) for (const d of Object.keys(t.splits)) if (!dims.includes(d)) dims.push(d);
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'grid sharding', 'data-testid': 'sharding' },
      h('caption', { class: 'sr-only' }, 'How each tensor is split over the x, y and z axes'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Tensor'),
          h('th', { scope: 'col' }, 'Notation'),
          ...dims.map((d) => h('th', { scope: 'col' }, `${d} (${DIM_NAMES[d] ?? d})`)),
        ),
      ),
      h(
        'tbody',
        {},
        ...rows.map((t) => {
          const name = t.tensor;
          const splits = t.splits;
          const ways = t.ways;
          return h(
            'tr',
            { 'data-tensor': name },
            h('th', { scope: 'row' }, TENSOR_NAMES[name] ?? name),
            h('td', {}, notationEl(t.notation, `shard-${name}-notation`)),
            ...dims.map((d) => {
              const axes = has(splits, d) ? splits[d] : undefined;
              if (axes === undefined) return h('td', { class: 'unsplit' }, h('span', { class: 'sr-only' }, 'no such dimension'), '·');
              const w = numberEl(ways[d] ?? Number.NaN, 'int', `shard-${name}-${d}-ways`);
              return h(
                'td',
                { class: axes ? undefined : 'unsplit', 'data-testid': `shard-${name}-${d}-axes`, 'data-axes': axes },
                axes ? h('span', {}, ...axisBadges(axes, roles)) : 'not split',
                h('span', { class: 'ways' }, w, ' way', ways[d] === 1 ? '' : 's'),
              );
            }),
          );
        }),
      ),
    ),
  );
}

const KIND_NAMES: Record<string, string> = { all_gather: 'all-gather', reduce_scatter: 'reduce-scatter', all_reduce: 'all-reduce', all_to_all: 'all-to-all' };

const SPLIT_NAMES: Record<string, string> = { unsplit: 'nothing (one chip)', batch: 'batch', heads: 'heads', batch_and_heads: 'batch and heads' };

/** The kv_cache row of the core's sharding (DescribeSharding): which axes split the batch and the
 *  K/V heads. */
function kvSplitOf(r: Evaluation): { B: string; H: string } | null {
  const kv = (r.sharding ?? []).find((t) => t.tensor === 'kv_cache');
  if (!kv) return null;
  return { B: kv.splits['B'] ?? '', H: kv.splits['H'] ?? '' };
}

/** The GQA hybrid (docs/gqa-attention.md) in words: K/V heads over some axes, batch over the rest,
 *  with the axes and ways the core reports; or what it reduces to when no axis fits. */
function hybridEl(r: Evaluation, split: string): HTMLElement | null {
  if (r.attention_sharding !== 'hybrid') return null;
  const roles = r.role_sizes;
  const kv = kvSplitOf(r);
  if (split === 'batch' || split === 'heads')
    return h(
      'span',
      { class: 'muted', 'data-testid': 'attention-hybrid' },
      split === 'batch'
        ? ' (the plan asks for the GQA hybrid, but no axis fits the K/V heads without copying them, so it is attention over batch)'
        : ' (the plan asks for the GQA hybrid, but every axis off the batch fits the K/V heads, so it is attention over heads)',
    );
  if (!kv) return null;
  return h(
    'span',
    { class: 'muted', 'data-testid': 'attention-hybrid' },
    ' — GQA hybrid: K/V heads over ',
    ...axisBadges(kv.H, roles),
    ' (',
    numberEl(r.attention_head_ways, 'int', 'attention-hybrid-head_ways'),
    ' ways, each K/V head stored once, its query heads with it), batch over ',
    ...axisBadges(kv.B, roles),
    ' (',
    numberEl(r.attention_batch_ways, 'int', 'attention-hybrid-batch_ways'),
    ' ways)',
  );
}

/** What attention is really split over (the core's attention_use.split, from the ways), and the
 *  plan's own label when it differs (wg_xyz "over heads" splits the batch over every chip). */
function attentionSplitEl(r: Evaluation): HTMLElement | string {
  const u = r.attention_use;
  const asked = r.attention_sharding;
  if (!u) return asked;
  const split = u.split;
  const hybrid = asked === 'hybrid';
  const differs = !hybrid && split !== asked && split !== 'batch_and_heads' && split !== 'unsplit';
  return h(
    'span',
    { 'data-testid': 'attention-split', 'data-split': split, 'data-sharding': asked },
    SPLIT_NAMES[split] ?? split,
    differs
      ? h(
          'span',
          { class: 'muted' },
          ` (the plan's attention sharding is "${asked}", but the ${FFN_NAMES[r.ffn_layout] ?? r.ffn_layout} layout already splits the batch over these chips)`,
        )
      : null,
    hybridEl(r, split),
  );
}

/** Idle chips and KV copies in words, with the core's numbers (attention_use). */
function attentionUseEl(r: Evaluation): HTMLElement | null {
  const u = r.attention_use;
  if (!u) return null;
  const idle = u.idle_chips;
  const copies = u.kv_copies;
  const chips = r.chips;
  const lines: HTMLElement[] = [];
  if (idle > 0) {
    const batchShort = r.batch < u.batch_ways;
    lines.push(
      h(
        'li',
        { 'data-testid': 'attention-idle' },
        numberEl(idle, 'int', 'attention_use-idle_chips'),
        ' of ',
        numberEl(chips, 'int', 'attention_use-chips'),
        ' chips have no attention work: ',
        batchShort
          ? h(
              'span',
              {},
              'the batch of ',
              numberEl(r.batch, 'int', 'attention_use-batch'),
              ' sequences is split ',
              numberEl(u.batch_ways, 'int', 'attention_use-batch_ways'),
              ' ways',
            )
          : h('span', {}, 'the query heads are split ', numberEl(u.head_ways, 'int', 'attention_use-head_ways'), ' ways, more than there are heads'),
        '; only ',
        numberEl(u.busy_chips, 'int', 'attention_use-busy_chips'),
        ' chips attend. The time is that of one busy chip.',
      ),
    );
  }
  if (copies > 1) {
    lines.push(
      h(
        'li',
        { 'data-testid': 'attention-kv-copies' },
        'Each KV cache entry is stored on ',
        numberEl(copies, 'count', 'attention_use-kv_copies'),
        ' chips: the heads are split ',
        numberEl(u.head_ways, 'int', 'attention_use-head_ways-kv'),
        ' ways, more than there are K/V heads, so each chip keeps a copy of the K/V heads its query heads read (multiquery attention over heads, ESTI §3.3).',
      ),
    );
  }
  if (lines.length === 0)
    lines.push(h('li', { 'data-testid': 'attention-all-busy' }, 'Every chip has attention work, and each KV cache entry is stored once.'));
  return h('div', { class: 'attention-use', 'data-testid': 'attention-use' }, h('h3', {}, 'How attention uses the chips'), h('ul', {}, ...lines));
}

/** View 4: the torus slice and how the model is split over x / y / z. */
export function renderLayout(r: Evaluation, svgOf: (r: Evaluation) => SVGSVGElement): HTMLElement {
  const roles = r.role_sizes;
  const ffn = r.ffn_layout;
  const colls: CollectiveTerm[] = r.breakdown.collectives;
  const sharding = shardingTable(r);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'layout-title', 'data-view': 'layout' },
    h('h2', { id: 'layout-title' }, 'Layout'),
    h(
      'div',
      { class: 'layout-grid' },
      h(
        'figure',
        { class: 'torus' },
        svgOf(r),
        h('figcaption', { class: 'muted' }, `Slice ${r.topology.join(' × ')}${r.wraparound === true ? ' (torus, wraparound)' : ''}`),
      ),
      h(
        'table',
        { class: 'kv', 'data-testid': 'split' },
        h('caption', {}, 'Split'),
        kvRow('x chips', h('span', { class: 'ax ax-x' }, numberEl(roles.x, 'int', 'role-x'))),
        kvRow('y chips', h('span', { class: 'ax ax-y' }, numberEl(roles.y, 'int', 'role-y'))),
        kvRow('z chips', h('span', { class: 'ax ax-z' }, numberEl(roles.z, 'int', 'role-z'))),
        kvRow('Feed-forward', FFN_NAMES[ffn] ?? ffn),
        kvRow('Attention split over', attentionSplitEl(r)),
        kvRow('Batch ways (attention)', numberEl(r.attention_batch_ways, 'int', 'attention_batch_ways')),
        kvRow('Head ways (attention)', numberEl(r.attention_head_ways, 'int', 'attention_head_ways')),
      ),
    ),
    attentionUseEl(r),
    h('h3', {}, 'How each tensor is split'),
    sharding
      ? h(
          'div',
          {},
          h(
            'p',
            { class: 'muted' },
            'ESTI notation: a dimension subscripted with axes is split over them (B batch, L sequence, E d_model, F d_ff, H heads); each cell gives the axes with their chip counts and the number of ways.',
          ),
          sharding,
        )
      : h('p', { class: 'muted', 'data-testid': 'sharding-missing' }, 'This engine build does not report how each tensor is split.'),
    h('h3', {}, 'Collectives per layer'),
    colls.length
      ? h(
          'ul',
          { class: 'coll-list', 'data-testid': 'layout-collectives' },
          ...colls.map((c, i) => {
            const axes = c.axes;
            const kind = c.kind;
            return h(
              'li',
              { 'data-collective': c.name },
              h('strong', {}, c.name),
              ` (${KIND_NAMES[kind] ?? kind}) over `,
              ...axisBadges(axes, roles),
              ' in groups of ',
              numberEl(c.group_size, 'int', `layout-coll-${i}-group_size`),
              ': ',
              numberEl(c.bytes_per_chip_per_layer, 'bytes', `layout-coll-${i}-bytes`),
              ' per chip, ',
              numberEl(c.time_per_layer_s, 's', `layout-coll-${i}-time_per_layer_s`),
              ' per layer',
            );
          }),
        )
      : h('p', { class: 'muted' }, 'None: this layout runs no collectives.'),
  );
}

export interface CompareRow {
  label: string;
  key: keyof Evaluation;
  unit: Unit | 'text';
}

export const COMPARE_ROWS: CompareRow[] = [
  { label: 'Model', key: 'model_name', unit: 'text' },
  { label: 'Chip', key: 'hardware_name', unit: 'text' },
  { label: 'Chips', key: 'chips', unit: 'int' },
  { label: 'Torus', key: 'topology', unit: 'text' },
  { label: 'Phase', key: 'phase', unit: 'text' },
  { label: 'Batch', key: 'batch', unit: 'int' },
  { label: 'Input tokens', key: 'input_tokens', unit: 'int' },
  { label: 'Generated tokens', key: 'generate_tokens', unit: 'int' },
  { label: 'Weights', key: 'weights', unit: 'text' },
  { label: 'FFN layout', key: 'ffn_layout', unit: 'text' },
  { label: 'Attention', key: 'attention_sharding', unit: 'text' },
  { label: 'Mode', key: 'mode', unit: 'text' },
  { label: 'Latency', key: 'latency_s', unit: 's' },
  { label: 'Per token', key: 'latency_per_token_s', unit: 's' },
  { label: 'MFU', key: 'mfu', unit: 'fraction' },
  { label: 'Cost per token', key: 'cost_chip_s_per_token', unit: 'chip_s' },
  { label: 'Throughput', key: 'throughput_tokens_per_s', unit: 'tokens_per_s' },
  { label: 'Memory per chip', key: 'memory_per_chip_bytes', unit: 'bytes' },
  { label: 'Fits', key: 'fits', unit: 'text' },
];

function cell(r: Evaluation, row: CompareRow, side: string): HTMLElement {
  const v: unknown = r[row.key];
  if (row.unit !== 'text' && typeof v === 'number') return h('td', {}, numberEl(v, row.unit, `cmp-${side}-${row.key}`));
  const t = Array.isArray(v) ? v.join('×') : String(v ?? '');
  return h('td', { 'data-testid': `cmp-${side}-${row.key}` }, t);
}

/** View 5: two configurations side by side, differing rows marked. */
export function renderCompare(a: Evaluation, b: Evaluation): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'compare-title', 'data-view': 'compare' },
    h('h2', { id: 'compare-title' }, 'Compare'),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'grid', 'data-testid': 'compare' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, 'A (current)'), h('th', { scope: 'col' }, 'B (pinned)'))),
        h(
          'tbody',
          {},
          ...COMPARE_ROWS.map((row) => {
            const differs = JSON.stringify(a[row.key]) !== JSON.stringify(b[row.key]);
            return h(
              'tr',
              { class: differs ? 'diff' : undefined, 'data-differs': String(differs) },
              h('th', { scope: 'row' }, row.label, differs ? h('span', { class: 'sr-only' }, ' (differs)') : null),
              cell(a, row, 'a'),
              cell(b, row, 'b'),
            );
          }),
        ),
      ),
    ),
  );
}

/** View 6: maximum context per attention layout (from maxContext()), with the share of HBM kept
 *  for the KV cache (ESTI Table 1 reserves 30%; "free" = all HBM the weights leave). */
export function renderContext(c: MaxContextAnswer, fraction: string, onFraction: (v: string) => void): HTMLElement {
  const rows = c.layouts;
  const LAYOUT: Record<string, string> = { heads: 'Attention sharded over heads', batch: 'Attention sharded over batch (multiquery)' };
  const pick = h(
    'select',
    { id: 'kv-fraction', 'aria-label': 'HBM kept for the KV cache' },
    ...[
      ['0.3', '30% of HBM (ESTI Table 1)'],
      ['0.5', '50% of HBM'],
      ['free', 'All HBM the weights leave'],
    ].map(([v, t]) => h('option', { value: v, selected: v === fraction }, t)),
  );
  pick.addEventListener('change', () => onFraction(pick.value));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'context-title', 'data-view': 'context' },
    h('h2', { id: 'context-title' }, 'Maximum context'),
    h(
      'p',
      { class: 'muted' },
      'Longest context (prompt plus generated tokens per sequence) whose KV cache fits in the share of HBM kept for it, for ',
      numberEl(c.chips, 'int', 'ctx-chips'),
      ' chips and batch ',
      numberEl(c.batch, 'int', 'ctx-batch'),
      '. ESTI Table 1 keeps 30% of the memory for the KV cache.',
    ),
    h('div', { class: 'field' }, h('label', { for: 'kv-fraction' }, 'KV cache budget'), pick),
    h(
      'table',
      { class: 'kv', 'data-testid': 'ctx-budget' },
      kvRow('Weights per chip', numberEl(c.weights_bytes_per_chip, 'bytes', 'ctx-weights_bytes_per_chip')),
      kvRow('KV cache budget per chip', numberEl(c.kv_budget_bytes_per_chip, 'bytes', 'ctx-kv_budget_bytes_per_chip')),
    ),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'grid', 'data-testid': 'max-context' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Attention layout'),
            h('th', { scope: 'col' }, 'KV cache per token per chip'),
            h('th', { scope: 'col' }, 'Max context (tokens)'),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map((x, i) => {
            const name: string = x.attention_sharding ?? String(i);
            return h(
              'tr',
              { 'data-layout': name },
              h('th', { scope: 'row' }, LAYOUT[name] ?? name),
              h('td', {}, numberEl(x.kv_bytes_per_token_per_chip, 'bytes', `ctx-${name}-kv_bytes_per_token_per_chip`)),
              h('td', {}, numberEl(x.max_context_tokens, 'int', `ctx-${name}-max_context_tokens`)),
            );
          }),
        ),
      ),
    ),
  );
}

const OBJECTIVE_NAMES: Record<string, string> = {
  min_latency: 'lowest latency',
  min_cost: 'lowest cost per token',
  max_mfu: 'highest MFU',
};

function bandRange(band: LatencyBand | undefined, i: number): HTMLElement | null {
  if (!band) return null;
  return h(
    'span',
    { class: 'muted band-range' },
    ' (',
    numberEl(band.low_per_token_s, 's', `cand-${i}-band-low`),
    '–',
    numberEl(band.high_per_token_s, 's', `cand-${i}-band-high`),
    ')',
  );
}

/** The search behind the answer: the objective, what was scored, and the ranked candidates. */
export function renderSearch(a: SearchAnswer, load: (scenario: unknown) => void): HTMLElement {
  const objective: string = a.objective;
  const stats = a.stats;
  const statKeys: [keyof SearchAnswer['stats'], string][] = [
    ['combinations', 'Combinations'],
    ['plans_scored', 'Plans scored'],
    ['infeasible', 'Do not fit'],
    ['over_latency_bound', 'Over the latency budget'],
    ['dominated', 'Dominated'],
  ];
  const cands = a.candidates;
  const total: number | undefined = a.candidates_total;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'search-title', 'data-view': 'search', 'data-testid': 'search' },
    h('h2', { id: 'search-title' }, 'Search'),
    h(
      'p',
      { class: 'muted' },
      'Objective: ',
      h('strong', { 'data-testid': 'objective' }, OBJECTIVE_NAMES[objective] ?? objective),
      total !== undefined
        ? h(
            'span',
            {},
            '. Showing ',
            numberEl(cands.length, 'int', 'search-shown'),
            ' of ',
            numberEl(total, 'int', 'search-candidates_total'),
            ' ranked candidates; click one to load it.',
          )
        : null,
    ),
    h(
      'table',
      { class: 'kv', 'data-testid': 'search-stats' },
      ...statKeys.filter(([k]) => stats[k] !== undefined).map(([k, label]) => kvRow(label, numberEl(stats[k], 'int', `search-${k}`))),
    ),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'grid', 'data-testid': 'candidates' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['#', 'Configuration', 'Latency', 'Per token', 'Cost per token', 'MFU', 'Memory per chip', 'Within budget'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...cands.map((c, i) => {
            const b = h('button', { type: 'button', class: 'link', 'data-candidate': i }, configText(c));
            b.addEventListener('click', () => load(c.scenario));
            const within = c.within_latency_bound;
            return h(
              'tr',
              { 'data-rank': i },
              h('td', {}, String(i + 1)),
              h('td', {}, b),
              h('td', {}, numberEl(c.latency_s, 's', `cand-${i}-latency_s`)),
              h('td', {}, numberEl(c.latency_per_token_s, 's', `cand-${i}-latency_per_token_s`), bandRange(c.latency_band, i)),
              h('td', {}, numberEl(c.cost_chip_s_per_token, 'chip_s', `cand-${i}-cost_chip_s_per_token`)),
              h('td', {}, numberEl(c.mfu, 'fraction', `cand-${i}-mfu`)),
              h('td', {}, numberEl(c.memory_per_chip_bytes, 'bytes', `cand-${i}-memory_per_chip_bytes`)),
              h('td', {}, within === undefined ? '—' : within ? 'yes' : 'no'),
            );
          }),
        ),
      ),
    ),
  );
}

/** The small model the "Run it" panel runs (every layout divides over up to 2 x 2 x 2 chips). */
export const RUN_IT_MODEL = { n_layers: 2, d_model: 64, d_ff: 256, n_heads: 8, n_kv_heads: 1, d_head: 8, vocab_size: 128 };

export interface RunItState {
  mesh: string;
  running: boolean;
  result?: MeshDecodeAnswer; // decode() on the mesh
  plain?: DecodeAnswer; // decode() of the same request without a mesh
  error?: string;
}

/** "Run it": the chosen layout executed by the reference decoder on the in-process mesh in the
 *  worker; the collectives that really ran, with their measured bytes beside the cost model's. */
export function renderRunIt(st: RunItState, ffn: string, attention: string, run: () => void, cancel: () => void): HTMLElement {
  // The reference decoder executes the paper's two attention shardings; the core refuses the GQA
  // hybrid there (docs/gqa-attention.md), so the panel says so instead of offering a run.
  if (attention === 'hybrid')
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'run-it-title', 'data-view': 'run-it' },
      h('h2', { id: 'run-it-title' }, 'Run it'),
      h(
        'p',
        { class: 'muted', 'data-testid': 'run-it-hybrid' },
        'The GQA hybrid (K/V heads over some axes, batch over the rest) is costed, but the reference decoder runs only attention over heads or over batch: choose one of those to run the layout.',
      ),
    );
  const button = h('button', { type: 'button', id: 'run-it', disabled: st.running }, st.running ? 'Running…' : 'Run it');
  button.addEventListener('click', run);
  // Its work is bounded by the core before it starts, but it runs on the sweep worker, and Cancel
  // stops that worker and starts a fresh one (issue 12: a decode can be cancelled).
  const stop = st.running ? h('button', { type: 'button', id: 'cancel-run-it' }, 'Cancel') : null;
  stop?.addEventListener('click', cancel);
  const parts: (Node | string)[] = [
    h('h2', { id: 'run-it-title' }, 'Run it'),
    h(
      'p',
      { class: 'muted' },
      `Runs a small model (${RUN_IT_MODEL.n_layers} layers, d_model ${RUN_IT_MODEL.d_model}, ${RUN_IT_MODEL.n_heads} query heads, multiquery, int8) partitioned ${FFN_NAMES[ffn] ?? ffn}, attention over ${attention}, on a ${st.mesh} mesh of simulated chips in this page, with real collectives between them, and lists what they moved.`,
    ),
    h('div', { class: 'actions' }, button, stop),
  ];
  if (st.error) parts.push(h('p', { class: 'error', 'data-testid': 'run-it-error' }, st.error));
  const r = st.result;
  if (r && st.plain) {
    const same = JSON.stringify(r.tokens) === JSON.stringify(st.plain.tokens);
    parts.push(
      h(
        'p',
        { 'data-testid': 'run-it-tokens' },
        same ? 'Generated tokens: identical to the unsharded decoder.' : 'Generated tokens DIFFER from the unsharded decoder.',
      ),
    );
    for (const n of r.notes) parts.push(h('p', { class: 'muted' }, String(n)));
    const rows = r.collectives.map((c, i) => {
      const inPaper = c.in_paper === true;
      return h(
        'tr',
        { 'data-collective': `${c.phase}:${c.name}:${c.axes}` },
        h('td', {}, c.phase),
        h('th', { scope: 'row' }, c.name),
        h('td', {}, KIND_NAMES[c.kind] ?? c.kind),
        h('td', {}, c.axes),
        h('td', {}, numberEl(c.group, 'int', `run-${i}-group`)),
        h('td', {}, numberEl(c.calls, 'int', `run-${i}-calls`)),
        h('td', {}, numberEl(c.bytes_measured, 'bytes', `run-${i}-bytes_measured`)),
        h('td', { title: c.formula }, numberEl(c.bytes_model, 'bytes', `run-${i}-bytes_model`)),
        h('td', {}, c.match === true ? 'equal' : 'DIFFER'),
        h('td', {}, inPaper ? numberEl(c.bytes_paper ?? Number.NaN, 'bytes', `run-${i}-bytes_paper`) : 'not in the paper'),
      );
    });
    parts.push(
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { 'data-testid': 'run-it-collectives' },
          h(
            'caption',
            {},
            "Collectives per chip over the whole run: bytes moved, and the cost model's prediction at the decoder's widths (fp32 activations, int32 partial sums; hover for the formula) and at the paper's bf16",
          ),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Phase', 'Collective', 'Kind', 'Axes', 'Group', 'Calls', 'Bytes measured', 'Bytes (cost model)', '', 'Paper term (bf16)'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h('tbody', {}, ...rows),
        ),
      ),
    );
  }
  return h('section', { class: 'card', 'aria-labelledby': 'run-it-title', 'data-view': 'run-it' }, ...parts);
}
