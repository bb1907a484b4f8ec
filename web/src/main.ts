// esti calculator page. All numbers come from the core in Web Workers (worker.ts); this file wires
// the form, the URL fragment and the views together.
import { CancelledError, CoreClient, CoreLoadError, type CoreInfo } from './core-client.ts';
import { byId, h, numberEl } from './dom.ts';
import { arr, field, isObject, optStr, readAnswer, str, type CoreError } from './json.ts';
import { decodeLink, encodeLink, type LinkState } from './link.ts';
import { renderModel } from './model-view.ts';
import { renderCalibrateBox, renderPaper } from './paper-view.ts';
import { ScenarioForm, type PresetRef } from './scenario-form.ts';
import { renderAnswer, renderBreakdown, renderCompare, renderContext, renderLayout, renderRunIt, renderSearch, RUN_IT_MODEL, type R, type RunItState } from './views.ts';
import { download, scatter, svgText, svgToPng, torusPicture } from './chart.ts';
import { format } from './format.ts';
import type { CoreFunction } from './protocol.ts';

const makeWorker = () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'esti-core' });
/** Quick calls (one evaluation per input change). */
const client = new CoreClient(makeWorker);
/** Sweeps (frontier), which the user may cancel: cancelling restarts only this worker. */
const sweeper = new CoreClient(makeWorker);

const VIEWS = [
  ['answer', 'Answer'],
  ['breakdown', 'Breakdown'],
  ['frontier', 'Frontiers'],
  ['layout', 'Layout'],
  ['compare', 'Compare'],
  ['context', 'Max context'],
  ['paper', 'Paper'],
] as const;
type View = (typeof VIEWS)[number][0];
const isView = (v: string | undefined): v is View => VIEWS.some(([id]) => id === v);

const statusEl = byId('status');
const linkError = byId('link-error');
const app = byId('app');

let info: CoreInfo;
let form: ScenarioForm;
const has = (f: CoreFunction) => info.functions.has(f);

// State: the scenario text the core last accepted, the pinned comparison scenario and the view.
let accepted = '';
let pinned: string | undefined;
let view: View = 'answer';
// Results of the accepted state.
let current: R | null = null;
/** The whole search() answer (objective, ranked candidates, stats) when the page searches. */
let searchAnswer: R | null = null;
/** The core's answer text for the accepted scenario (evaluate() or search()), exported verbatim as
 *  JSON, and its parsed form, flattened for the CSV export. */
let currentText = '';
let currentAnswer: R | null = null;
let modelDesc: R | null = null;
let pinnedResult: R | null = null;
let frontier: R | null = null;
let frontierFor = '';
let context: R | null = null;
let contextFor = '';
/** Share of HBM kept for the KV cache in the Max context view: "0.3" (Table 1), "0.5" or "free". */
let kvFraction = '0.3';
/** The paper view: reproduce()'s rows (computed once), and the user's measurement file and fit. */
let paper: R | null = null;
let paperStarted = false;
let measurementsText = '';
let fitResult: R | null = null;
let fitError = '';

const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' });
const panel = h('div', { id: 'results', class: 'results', role: 'tabpanel', tabindex: -1 });
const toolbar = h('div', { class: 'actions toolbar' });
/** Says when the results shown are not for the inputs on screen, and why. */
const staleEl = h('p', { class: 'stale-note', role: 'status', id: 'stale', hidden: true });
const resultsCol = h('div', { class: 'results-col' }, tabs, toolbar, staleEl, panel);

function markStale(reason: string | null): void {
  staleEl.hidden = reason === null;
  staleEl.textContent = reason === null ? '' : `Not current: ${reason} The results below are for the last inputs the engine accepted.`;
  panel.dataset.stale = String(reason !== null);
}

function setStatus(text: string, kind: 'ok' | 'busy' | 'error' = 'ok'): void {
  statusEl.textContent = text;
  statusEl.dataset.kind = kind;
}

function showLinkError(text: string | null): void {
  linkError.textContent = text ?? '';
  linkError.hidden = text === null;
}

// ---- computing -------------------------------------------------------------------------------

/** The core call that validates and evaluates a scenario text. */
function primaryFn(): CoreFunction {
  return has('search') ? 'search' : has('evaluate') ? 'evaluate' : 'describeModel';
}

function modelRequest(scenarioText: string): string {
  // The scenario was built by the form or accepted by the core; only its "model" field is read.
  return JSON.stringify({ model: field(JSON.parse(scenarioText) as unknown, 'model') });
}

/** The evaluate-shaped result of a scenario text as the page computes it (search's best when the
 *  engine searches, since the form's scenarios then carry an objective). */
async function resultOf(text: string): Promise<{ ok: true; value: R } | { ok: false; error: CoreError }> {
  const fn = has('search') ? 'search' : 'evaluate';
  const a = readAnswer(await client.call(fn, text));
  if (!a.ok || fn === 'evaluate') return a;
  const best = field(a.value, 'best');
  return isObject(best) ? { ok: true, value: best } : { ok: false, error: { code: 'no_feasible_plan', path: '', message: 'no configuration meets the constraints' } };
}

/** Evaluates `text`; on success it becomes the accepted state. */
async function compute(text: string): Promise<{ ok: true } | { ok: false; error: CoreError }> {
  const fn = primaryFn();
  const t0 = performance.now();
  setStatus('Computing…', 'busy');
  const raw = await client.call(fn, text);
  const answer = readAnswer(raw);
  if (!answer.ok) {
    setStatus(answer.error.message, 'error');
    return answer;
  }
  let result: R | null = null;
  let searched: R | null = null;
  if (fn === 'search') {
    searched = answer.value;
    const best = field(answer.value, 'best');
    if (!isObject(best)) return { ok: false, error: { code: 'no_feasible_plan', path: '', message: 'no configuration meets the constraints' } };
    result = best;
  } else if (fn === 'evaluate') result = answer.value;
  const desc = fn === 'describeModel' ? answer : readAnswer(await client.call('describeModel', modelRequest(text)));
  accepted = text;
  current = result;
  searchAnswer = searched;
  currentText = result ? raw : '';
  currentAnswer = result ? answer.value : null;
  modelDesc = desc.ok ? desc.value : null;
  if (pinned !== undefined && has('evaluate')) {
    const b = await resultOf(pinned);
    pinnedResult = b.ok ? b.value : null;
  }
  render();
  setStatus(`Computed in ${(performance.now() - t0).toFixed(1)} ms`);
  return { ok: true };
}

let seq = 0;
let frameRequested = false;
/** Input changed: recompute on the next frame, newest input wins. */
function scheduleRecompute(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    void recomputeFromForm();
  });
}

function scenarioFromForm(): string | null {
  if (primaryFn() === 'describeModel') {
    const m = form.value('model-preset');
    return JSON.stringify({ model: m });
  }
  const r = form.read(has('search'));
  if (!r.ok) {
    form.showFieldErrors(r.errors);
    markStale(`${r.errors.size === 1 ? 'an input is' : `${r.errors.size} inputs are`} incomplete or malformed (${[...r.errors.values()][0]}).`);
    return null;
  }
  return JSON.stringify(r.scenario);
}

async function recomputeFromForm(): Promise<void> {
  const mine = ++seq;
  const text = scenarioFromForm();
  if (text === null) return;
  const r = await compute(text).catch((e: unknown) => ({ ok: false as const, error: { code: 'engine', path: '', message: String(e instanceof Error ? e.message : e) } }));
  if (mine !== seq) return;
  if (!r.ok) {
    form.showCoreError(r.error.path, r.error.message);
    // A search with no feasible plan names no input: its message is the status.
    setStatus(r.error.path ? 'Fix the highlighted input' : r.error.message, 'error');
    markStale(`${r.error.message.replace(/\.?$/, '.')}`);
    return;
  }
  form.clearErrors();
  markStale(null);
  showLinkError(null);
  await writeHash();
}

// encodeLink is asynchronous (it compresses), so two writes can finish out of order: only the
// latest may touch the fragment, or a late write of an older state (a recompute that started
// before a tab switch, say) would put that state back in the address bar and in Copy link.
let hashSeq = 0;
/** Writes the current state's link into the fragment; returns that fragment. */
/** The next address write is a new history entry (a view change, a loaded candidate or point),
 *  so Back returns to what was shown before; edits to inputs replace the current entry. */
let pushNext = false;

async function writeHash(): Promise<string> {
  const mine = ++hashSeq;
  const push = pushNext;
  pushNext = false;
  const st: LinkState = { s: accepted };
  if (pinned !== undefined) st.b = pinned;
  if (view !== 'answer') st.view = view;
  const hash = await encodeLink(st);
  if (mine === hashSeq && location.hash !== hash) {
    if (push) history.pushState(null, '', hash);
    else history.replaceState(null, '', hash);
  }
  return hash;
}

let linkSeq = 0;
async function applyHash(): Promise<void> {
  try {
    await applyHashUnsequenced();
  } finally {
    document.body.dataset.linkSeq = String(++linkSeq);
  }
}

async function applyHashUnsequenced(): Promise<void> {
  const decoded = await decodeLink(location.hash, (fragment) => client.call('decodeLink', fragment));
  const fail = (msg: string) => showLinkError(`This link cannot be opened: ${msg}. Showing the last valid state instead.`);
  if (!decoded.ok) return fail(decoded.message);
  if (decoded.empty) return;
  const st = decoded.state;
  if (st.view !== undefined && !isView(st.view)) return fail(`it names an unknown view "${st.view}"`);
  if (st.b !== undefined) {
    if (!has('evaluate')) return fail('this engine cannot evaluate the pinned configuration');
    const b = await resultOf(st.b);
    if (!b.ok) return fail(`pinned configuration: ${b.error.message}${b.error.path ? ` (at ${b.error.path})` : ''}`);
  }
  const prevPinned = pinned;
  pinned = st.b;
  const r = await compute(st.s);
  if (!r.ok) {
    pinned = prevPinned;
    return fail(`${r.error.message}${r.error.path ? ` (at ${r.error.path})` : ''}`);
  }
  if (primaryFn() === 'describeModel') {
    const m = field(JSON.parse(st.s) as unknown, 'model');
    if (typeof m === 'string') form.fill(JSON.stringify({ model: m }));
  } else form.fill(st.s);
  form.clearErrors();
  if (st.view !== undefined) view = st.view;
  showLinkError(null);
  render();
}

// ---- rendering -------------------------------------------------------------------------------

// The tab buttons are created once and only their state changes afterwards: replacing them on
// every render (results arrive asynchronously) could swap a button between the mousedown and the
// mouseup of a click, and the browser then drops the click.
function renderTabs(): void {
  if (tabs.childElementCount === 0) {
    tabs.replaceChildren(...VIEWS.map(([id, label]) => {
      const b = h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': 'results', 'data-view': id }, label);
      b.addEventListener('click', () => selectView(id));
      return b;
    }));
  }
  for (const [id] of VIEWS) {
    const b = byId(`tab-${id}`, tabs);
    b.setAttribute('aria-selected', String(id === view));
    b.tabIndex = id === view ? 0 : -1;
  }
}

tabs.addEventListener('keydown', (e) => {
  const i = VIEWS.findIndex(([id]) => id === view);
  const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? VIEWS.length - 1 : null;
  if (next === null) return;
  e.preventDefault();
  selectView(VIEWS[(next + VIEWS.length) % VIEWS.length]![0]);
  byId(`tab-${view}`).focus();
});

function selectView(v: View): void {
  if (v !== view) pushNext = true;
  view = v;
  render();
  void writeHash();
}

function missing(fn: string): HTMLElement {
  return h('section', { class: 'card', 'data-view': view },
    h('h2', {}, VIEWS.find(([id]) => id === view)![1]),
    h('p', { class: 'muted', 'data-testid': 'missing' }, `This engine build (${info.engine_version}) has no ${fn}() yet, so this view cannot be computed.`));
}

function exportButtons(name: string, svg: () => SVGSVGElement | null): HTMLElement {
  const b1 = h('button', { type: 'button', class: 'secondary' }, 'SVG');
  const b2 = h('button', { type: 'button', class: 'secondary' }, 'PNG');
  b1.addEventListener('click', () => {
    const e = svg();
    if (e) download(`${name}.svg`, new Blob([svgText(e)], { type: 'image/svg+xml' }));
  });
  b2.addEventListener('click', async () => {
    const e = svg();
    if (e) download(`${name}.png`, await svgToPng(e));
  });
  return h('span', { class: 'actions' }, `Export ${name}: `, b1, b2);
}

function renderView(): HTMLElement {
  const canEval = has('evaluate');
  switch (view) {
    case 'answer': {
      const parts: HTMLElement[] = [];
      if (current) parts.push(renderAnswer(current, has('search') ? 'Best configuration: ' : 'Configuration: '));
      if (searchAnswer) parts.push(renderSearch(searchAnswer, loadScenario));
      else if (!canEval) parts.push(missing('evaluate'));
      if (modelDesc) parts.push(renderModel(modelDesc));
      return h('div', { class: 'results' }, ...parts);
    }
    case 'breakdown':
      return current ? renderBreakdown(current) : missing('evaluate');
    case 'layout': {
      if (!current) return missing('evaluate');
      const c = current;
      const pic = () => torusPicture(arr(c, 'topology').map(Number), readRoles(c), arr(c, 'axis_roles').map(Number));
      const parts: HTMLElement[] = [renderLayout(c, pic), exportButtons('layout', () => panel.querySelector<SVGSVGElement>('[data-testid="torus"]'))];
      if (has('decode')) parts.push(renderRunItView(c));
      return h('div', { class: 'results' }, ...parts);
    }
    case 'compare': {
      if (!current) return missing('evaluate');
      const pin = h('button', { type: 'button', id: 'pin' }, pinned === undefined ? 'Pin current as B' : 'Pin current as B (replace)');
      pin.addEventListener('click', async () => {
        pinned = accepted;
        pinnedResult = current;
        render();
        await writeHash();
      });
      const parts: HTMLElement[] = [h('div', { class: 'actions' }, pin, h('span', { class: 'muted' }, 'Pin a configuration, change the inputs, and compare.'))];
      if (pinnedResult) parts.push(renderCompare(current, pinnedResult));
      return h('div', { class: 'results', 'data-view': 'compare' }, ...parts);
    }
    case 'frontier':
      return renderFrontierView();
    case 'context':
      return renderContextView();
    case 'paper':
      return renderPaperView();
  }
}

// ---- paper view: reproduce() once, calibrate() on the user's file ---------------------------------

function maybeStartPaper(): void {
  if (!has('reproduce') || paperStarted) return;
  paperStarted = true;
  void client.call('reproduce', '{}').then((text) => {
    const a = readAnswer(text);
    paper = a.ok ? a.value : null;
    if (!a.ok) setStatus(`Paper view: ${a.error.message}`, 'error');
    if (view === 'paper') render();
  });
}

function renderPaperView(): HTMLElement {
  const parts: HTMLElement[] = [];
  if (!has('reproduce')) parts.push(missing('reproduce'));
  else if (!paper) parts.push(h('section', { class: 'card', 'data-view': 'paper' }, h('h2', {}, 'The paper, reproduced'), h('p', { class: 'muted' }, 'Computing…')));
  else parts.push(renderPaper(paper, loadScenario));
  if (has('calibrate')) parts.push(renderCalibrateBox(measurementsText, fitResult, fitError, fitMeasurements, (t) => (measurementsText = t)));
  return h('div', { class: 'results', 'data-view': 'paper' }, ...parts);
}

async function fitMeasurements(text: string): Promise<void> {
  measurementsText = text;
  fitResult = null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    fitError = text.trim() ? 'The measurement file is not valid JSON.' : 'Paste or load a measurement file first.';
    render();
    return;
  }
  fitError = '';
  setStatus('Fitting…', 'busy');
  // The sweep worker: a fit of a large file does not hold up the per-keystroke evaluations.
  const answer = readAnswer(await sweeper.call('calibrate', JSON.stringify({ data })).catch((e: unknown) => JSON.stringify({ ok: false, error: { code: 'internal', path: '', message: e instanceof Error ? e.message : String(e) } })));
  if (answer.ok) {
    fitResult = answer.value;
    setStatus('Fitted.', 'ok');
  } else {
    fitError = `${answer.error.message}${answer.error.path ? ` (at ${answer.error.path})` : ''}`;
    setStatus('The measurement file was rejected.', 'error');
  }
  if (view === 'paper') render();
}

/** Loads a concrete scenario the core produced (a frontier point, a search candidate) into the form. */
function loadScenario(sc: unknown): void {
  if (!isObject(sc)) return;
  // fill keeps the objective; a concrete point has no latency budget, so fill clears it.
  form.fill(JSON.stringify(sc));
  selectView('answer');
  // The loaded configuration is a new history entry: Back returns to what was shown before it.
  pushNext = true;
  scheduleRecompute();
}

function readRoles(c: R): { x: number; y: number; z: number } {
  const r = field(c, 'role_sizes');
  const n = (k: string) => Number(field(r, k) ?? 1);
  return { x: n('x'), y: n('y'), z: n('z') };
}

function render(): void {
  renderTabs();
  // Start the sweep first, so the view shows it running (with Cancel) from the first frame.
  if (view === 'frontier') maybeStartFrontier();
  let content: HTMLElement;
  try {
    content = renderView();
  } catch (e) {
    content = h('section', { class: 'card' }, h('p', { class: 'field-error' }, `Cannot show this result: ${e instanceof Error ? e.message : String(e)}`));
  }
  panel.replaceChildren(content);
  panel.dataset.view = view;
  if (view === 'context') maybeStartContext();
  if (view === 'paper') maybeStartPaper();
}

// ---- frontier (a sweep, cancellable) --------------------------------------------------------

/** The frontier request: the current scenario with the plan fields left for the core to sweep. */
function frontierRequest(): string {
  const sc = JSON.parse(accepted) as unknown;
  const out: Record<string, unknown> = { schema_version: 1 };
  for (const k of ['model', 'hardware', 'input_tokens', 'generate_tokens', 'mode']) {
    const v = field(sc, k);
    if (v !== undefined) out[k] = v;
  }
  if (out.generate_tokens === undefined) out.generate_tokens = 64;
  // Plots need only each point's plan and headline numbers; a clicked point is evaluated in full.
  out.detail = 'summary';
  return JSON.stringify(out);
}

let frontierRunning = '';
/** The request the user cancelled: not restarted until they press Compute. */
let frontierCancelled = '';
let frontierStopped: 'cancelled' | 'failed' = 'cancelled';
function maybeStartFrontier(force = false): void {
  if (!has('frontier') || !current) return;
  const req = frontierRequest();
  if (frontierFor === req || frontierRunning === req) return;
  if (frontierCancelled === req && !force) return;
  frontierCancelled = '';
  frontierRunning = req;
  const t0 = performance.now();
  const timer = setInterval(() => {
    const p = panel.querySelector('[data-testid="frontier-progress"] .elapsed');
    if (p) p.textContent = `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  }, 100);
  sweeper
    .call('frontier', req)
    .then((text) => {
      const a = readAnswer(text);
      frontier = a.ok ? a.value : null;
      frontierFor = req;
      if (!a.ok) setStatus(`Frontier: ${a.error.message}`, 'error');
      else setStatus(`Frontier computed in ${(performance.now() - t0).toFixed(0)} ms`);
    })
    .catch((e: unknown) => {
      // Either way it is not restarted until the user presses Compute (no retry loop).
      frontierCancelled = req;
      if (!(e instanceof CancelledError)) {
        frontierStopped = 'failed';
        setStatus(`Frontier failed: ${String(e)}`, 'error');
      } else {
        frontierStopped = 'cancelled';
        setStatus('Frontier cancelled');
      }
    })
    .finally(() => {
      clearInterval(timer);
      frontierRunning = '';
      if (view === 'frontier') render();
    });
}

/** A frontier point's hover/focus text: its plan, latency with the calibrated band, cost and MFU
 *  (all the core's numbers, formatted). */
function pointLabel(p: R, latencyKey: string): string {
  const band = field(p, 'latency_band');
  const perToken = latencyKey === 'latency_per_token_s';
  const lo = field(band, perToken ? 'low_per_token_s' : 'low_s');
  const hi = field(band, perToken ? 'high_per_token_s' : 'high_s');
  const range = typeof lo === 'number' && typeof hi === 'number' ? ` (band ${format(lo, 's')}–${format(hi, 's')})` : '';
  return `${field(p, 'chips')} chips, batch ${field(p, 'batch')}, ${field(p, 'weights')}, ${field(p, 'ffn_layout')}, ${field(p, 'attention_sharding')}: ` +
    `${format(Number(field(p, latencyKey)), 's')}${perToken ? ' per token' : ''}${range}, ${format(Number(field(p, 'cost_chip_s_per_token')), 'chip_s')} per token, MFU ${format(Number(field(p, 'mfu')), 'fraction')}`;
}

function renderFrontierView(): HTMLElement {
  if (!has('frontier')) return missing('frontier');
  const req = current ? frontierRequest() : '';
  if (frontierFor !== req || !frontier) {
    const cancel = h('button', { type: 'button', class: 'secondary', id: 'cancel-sweep' }, 'Cancel');
    cancel.addEventListener('click', () => sweeper.cancel());
    return h('section', { class: 'card chart-card', 'data-view': 'frontier' },
      h('h2', {}, 'Pareto frontiers'),
      h('div', { class: 'progress', 'data-testid': 'frontier-progress' },
        frontierRunning ? h('span', {}, 'Sweeping every slice, batch, weight format and layout… ', h('span', { class: 'elapsed' }, '0.0 s')) : h('span', {}, `Not computed (${frontierStopped}). `),
        frontierRunning ? cancel : retryButton()));
  }
  const f = frontier;
  // The current configuration is the point with its phase and exactly its latency and cost.
  const same = (p: R) => isObject(current) && ['phase', 'chips', 'batch', 'weights', 'ffn_layout', 'attention_sharding', 'latency_s', 'cost_chip_s_per_token'].every((k) => field(p, k) === field(current, k));
  const points = new Map<string, R>();
  // The paper's Figure 1 axes: decode per generated token, prefill per forward pass over the prompt.
  const xKey = (phase: string) => (phase === 'decode' ? 'latency_per_token_s' : 'latency_s');
  const series = (phase: string, colorVar: string, y: 'cost_chip_s_per_token' | 'mfu') => ({
    name: phase,
    colorVar,
    points: arr(f, phase).filter(isObject).map((p, i) => {
      const key = `${phase}-${i}`;
      points.set(key, p);
      return {
        x: Number(field(p, xKey(phase))),
        y: Number(field(p, y)),
        label: pointLabel(p, xKey(phase)),
        current: same(p),
        key,
      };
    }),
  });
  const pick = (key: string) => {
    // The point's scenario is concrete: the core evaluates (searches) it to the point's numbers.
    loadScenario(field(points.get(key), 'scenario'));
  };
  const charts: SVGSVGElement[] = [];
  const figures: HTMLElement[] = [];
  for (const [phase, color, xl] of [['decode', '--bar3', 'latency per generated token'], ['prefill', '--bar', 'prefill latency (whole prompt)']] as const) {
    for (const [y, yl, yu] of [['cost_chip_s_per_token', 'cost per token', 'chip_s'], ['mfu', 'MFU', 'fraction']] as const) {
      const svg = scatter({ title: `${phase[0]!.toUpperCase()}${phase.slice(1)}: latency vs ${yl}`, xLabel: xl, yLabel: yl, xUnit: 's', yUnit: yu, series: [series(phase, color, y)], onPick: pick, testId: `frontier-${phase}-${y === 'mfu' ? 'mfu' : 'cost'}` });
      charts.push(svg);
      figures.push(h('figure', { class: 'chart' }, svg));
    }
  }
  const stats = field(f, 'stats');
  const statRow = (phase: string) => {
    const st = field(stats, phase);
    const n = (k: string) => {
      const v = field(st, k);
      return typeof v === 'number' ? numberEl(v, 'int', `frontier-${phase}-${k}`) : '—';
    };
    return h('tr', {}, h('th', { scope: 'row' }, phase), h('td', {}, numberEl(arr(f, phase).length, 'int', `frontier-${phase}-points`)),
      ...STAT_KEYS.map((k) => h('td', {}, n(k))));
  };
  return h('section', { class: 'card chart-card', 'data-view': 'frontier' },
    h('h2', {}, 'Pareto frontiers'),
    h('p', { class: 'muted' }, 'Every slice up to 4096 chips, batch 1 to 4096, bf16 and int8 weights and every layout the core considers; only the points no other point beats on both latency and cost are drawn. Click a point (or focus it and press Enter) to load it. The ringed point is the current configuration.'),
    h('div', { class: 'charts' }, ...figures),
    h('div', { class: 'scroll' }, h('table', { class: 'grid', 'data-testid': 'frontier-stats' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Phase'), h('th', { scope: 'col' }, 'On the frontier'), ...STAT_KEYS.map((k) => h('th', { scope: 'col' }, k.replace(/_/g, ' '))))),
      h('tbody', {}, statRow('decode'), statRow('prefill')))),
    h('div', { class: 'actions' }, ...charts.map((c) => exportButtons(c.getAttribute('data-testid') ?? 'frontier', () => c))),
  );
}

const STAT_KEYS = ['combinations', 'plans_scored', 'infeasible', 'dominated'] as const;

function retryButton(): HTMLElement {
  const b = h('button', { type: 'button', class: 'secondary' }, 'Compute');
  b.addEventListener('click', () => {
    maybeStartFrontier(true);
    render();
  });
  return b;
}

// ---- max context ----------------------------------------------------------------------------

function contextRequest(): string {
  const sc = JSON.parse(accepted) as unknown;
  const r = isObject(current) ? current : {};
  const fraction = kvFraction === 'free' ? {} : { kv_memory_fraction: Number(kvFraction) };
  return JSON.stringify({ model: field(sc, 'model'), hardware: field(sc, 'hardware') ?? 'tpu-v4', chips: field(r, 'chips'), batch: field(r, 'batch'), weights: field(r, 'weights'), ...fraction });
}

function maybeStartContext(): void {
  if (!has('maxContext') || !current) return;
  const req = contextRequest();
  if (contextFor === req) return;
  contextFor = req;
  void client.call('maxContext', req).then((text) => {
    const a = readAnswer(text);
    context = a.ok ? a.value : null;
    if (!a.ok) setStatus(`Max context: ${a.error.message}`, 'error');
    if (view === 'context') {
      panel.replaceChildren(renderContextView());
    }
  });
}

// ---- "Run it": the chosen layout on the in-process mesh ---------------------------------------

let runIt: (RunItState & { key: string }) | null = null;

/** The run request for a result: its layouts on its role sizes capped at 2 chips per axis. */
function runItRequest(c: R): { key: string; mesh: string; request: R } {
  const r = readRoles(c);
  const mesh = [r.x, r.y, r.z].map((n) => Math.min(n, 2)).join('x');
  const request: R = { model: RUN_IT_MODEL, prompt: [1, 2, 3], tokens: 3, batch: 8, hashes: false };
  const withMesh: R = { ...request, mesh, ffn_layout: str(c, 'ffn_layout'), attention_sharding: str(c, 'attention_sharding') };
  return { key: JSON.stringify(withMesh), mesh, request: withMesh };
}

function renderRunItView(c: R): HTMLElement {
  const req = runItRequest(c);
  const st: RunItState = runIt && runIt.key === req.key ? runIt : { mesh: req.mesh, running: false };
  return renderRunIt(st, str(c, 'ffn_layout'), str(c, 'attention_sharding'), () => void runItNow(c));
}

async function runItNow(c: R): Promise<void> {
  const req = runItRequest(c);
  const mine: RunItState & { key: string } = { key: req.key, mesh: req.mesh, running: true };
  runIt = mine;
  if (view === 'layout') render();
  const plainReq: R = { ...req.request };
  for (const k of ['mesh', 'ffn_layout', 'attention_sharding']) delete plainReq[k];
  try {
    const a = readAnswer(await client.call('decode', JSON.stringify(req.request)));
    const b = readAnswer(await client.call('decode', JSON.stringify(plainReq)));
    if (!a.ok) mine.error = `${a.error.code} at ${a.error.path}: ${a.error.message}`;
    else if (!b.ok) mine.error = b.error.message;
    else {
      mine.result = a.value;
      mine.plain = b.value;
    }
  } catch (e) {
    mine.error = e instanceof Error ? e.message : String(e);
  }
  mine.running = false;
  if (runIt === mine && view === 'layout') render();
}

function renderContextView(): HTMLElement {
  if (!has('maxContext')) return missing('maxContext');
  if (!context || contextFor !== contextRequest()) return h('section', { class: 'card', 'data-view': 'context' }, h('h2', {}, 'Maximum context'), h('p', { class: 'muted' }, 'Computing…'));
  return renderContext(context, kvFraction, (v) => {
    kvFraction = v;
    render();
  });
}

// ---- toolbar: copy link, exports -------------------------------------------------------------

function buildToolbar(): void {
  const copy = h('button', { type: 'button', id: 'copy-link' }, 'Copy link');
  const copied = h('span', { class: 'muted', role: 'status', id: 'copy-status' });
  copy.addEventListener('click', async () => {
    try {
      // The fragment is written asynchronously after each change: bring it up to date first, and
      // copy the link of the state at the click (a write started later may still be running).
      const hash = await writeHash();
      await navigator.clipboard.writeText(new URL(hash, location.href).href);
      copied.textContent = 'Link copied';
    } catch {
      copied.textContent = 'Copy the address bar: the browser refused clipboard access';
    }
  });
  const json = h('button', { type: 'button', class: 'secondary', id: 'export-json' }, 'JSON');
  json.addEventListener('click', () => {
    if (currentText) download('esti-result.json', new Blob([currentText], { type: 'application/json' }));
  });
  const csv = h('button', { type: 'button', class: 'secondary', id: 'export-csv' }, 'CSV');
  csv.addEventListener('click', () => {
    if (currentAnswer) download('esti-result.csv', new Blob([toCsv(currentAnswer)], { type: 'text/csv' }));
  });
  toolbar.replaceChildren(copy, h('span', { class: 'actions' }, 'Export result: ', json, csv), copied);
}

/** Flattens the core's result into key,value rows (keys are JSON pointers). */
function toCsv(r: unknown): string {
  const rows: string[] = ['key,value'];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}/${i}`));
    else if (isObject(v)) for (const k of Object.keys(v)) walk(v[k], `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    else rows.push(`${csvCell(path)},${csvCell(v === null ? '' : String(v))}`);
  };
  walk(r, '');
  return rows.join('\n') + '\n';
}

function csvCell(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?[0-9.]+(e[+-]?[0-9]+)?$/i.test(s) ? `'${s}` : s; // no spreadsheet formulas
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

// ---- start -----------------------------------------------------------------------------------

function presetRefs(list: unknown[]): PresetRef[] {
  const out: PresetRef[] = [];
  for (const p of list) {
    const id = optStr(p, 'id');
    if (id) out.push({ id, name: optStr(p, 'name') ?? id });
  }
  return out;
}

async function start(): Promise<void> {
  try {
    info = await client.ready();
    byId('engine-version').textContent = info.engine_version;
    const presets = readAnswer(await client.call('listPresets'));
    if (!presets.ok) throw new Error(presets.error.message);
    form = new ScenarioForm({ models: presetRefs(arr(presets.value, 'models')), hardware: presetRefs(arr(presets.value, 'hardware')), canSearch: has('search') });
    for (const hw of presetRefs(arr(presets.value, 'hardware'))) {
      const p = readAnswer(await client.call('getPreset', JSON.stringify({ kind: 'hardware', id: hw.id })));
      const doc = p.ok ? field(p.value, 'preset') : undefined;
      if (isObject(doc)) form.setHardwarePreset(hw.id, doc);
    }
    // Model presets too: "Custom dimensions…" starts from the model selected before.
    for (const m of presetRefs(arr(presets.value, 'models'))) {
      const p = readAnswer(await client.call('getPreset', JSON.stringify({ kind: 'models', id: m.id })));
      const doc = p.ok ? field(p.value, 'preset') : undefined;
      if (isObject(doc)) form.setModelPreset(m.id, doc);
    }
    form.fill(JSON.stringify({ model: 'palm-540b', hardware: 'tpu-v4', chips: 64, phase: 'decode', batch: 64, input_tokens: 2048, generate_tokens: 64, weights: 'int8', ffn_layout: 'auto', attention_sharding: 'auto', mode: 'calibrated', objective: 'min_latency' }));
    if (primaryFn() === 'describeModel') {
      // Engine without evaluate(): only the model part of the form applies.
      for (const fs of form.element.querySelectorAll('fieldset')) if (!fs.contains(byId('model-preset', form.element))) fs.hidden = true;
    }
    form.onChange = scheduleRecompute;
    app.replaceChildren(form.element, resultsCol);
    buildToolbar();
    const first = scenarioFromForm();
    if (first === null) throw new Error('the default inputs are invalid');
    const r = await compute(first);
    if (!r.ok) throw new Error(`default scenario rejected: ${r.error.message} (${r.error.path})`);
    if (location.hash) await applyHash();
    else await writeHash();
    window.addEventListener('hashchange', () => void applyHash());
    document.body.dataset.ready = 'true';
  } catch (e) {
    const msg = e instanceof CoreLoadError ? `The calculation engine failed to load: ${e.message}` : `Error: ${e instanceof Error ? e.message : String(e)}`;
    setStatus(msg, 'error');
    document.body.dataset.ready = 'error';
  }
}

void sweeper.ready().catch(() => undefined);
void start();
