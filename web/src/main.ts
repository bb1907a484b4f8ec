// esti calculator page. All numbers come from the core in Web Workers (worker.ts). This file starts
// the page and connects the form and the URL fragment to the store (state.ts); the results column
// is results-panel.ts, exports are export.ts, and every core call is a latest-wins request
// (requests.ts).
import { CoreClient, CoreLoadError, type CoreInfo } from './core-client.ts';
import { byId, h } from './dom.ts';
import { answerAs, arr, field, isObject, optStr, readAnswer, readResult, type CoreAnswer, type CoreError } from './json.ts';
import { decodeLink, encodeLink, type LinkState } from './link.ts';
import { ScenarioForm, type HfImport, type PresetRef } from './scenario-form.ts';
import type { DescribeModelAnswer, EvaluateAnswer, Evaluation, SchemaAnswer, SearchAnswer } from './core-results.ts';
import type { CoreFunction } from './protocol.ts';
import { buildToolbar } from './export.ts';
import { LatestRequests, SUPERSEDED, type Ticket } from './requests.ts';
import { ResultsPanel } from './results-panel.ts';
import { CHANNEL, createStore, isView } from './state.ts';

const makeWorker = () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'esti-core' });
/** Quick calls (one evaluation per input change). */
const client = new CoreClient(makeWorker);
/** Sweeps (frontier), which the user may cancel: cancelling restarts only this worker. */
const sweeper = new CoreClient(makeWorker);
const requests = new LatestRequests({ quick: client, sweep: sweeper });
const store = createStore();

const statusEl = byId('status');
const linkError = byId('link-error');
const app = byId('app');

let info: CoreInfo;
let form: ScenarioForm;
const has = (f: CoreFunction) => info.functions.has(f);

const results = new ResultsPanel({
  store,
  requests,
  has,
  engineVersion: () => info.engine_version,
  setStatus,
  loadScenario,
  stateChanged: (newEntry) => {
    if (newEntry) pushNext = true;
    return writeHash();
  },
  cancelSweep: () => sweeper.cancel(),
});
const render = () => results.render();

const toolbar = h('div', { class: 'actions toolbar' });
/** Says when the results shown are not for the inputs on screen, and why. */
const staleEl = h('p', { class: 'stale-note', role: 'status', id: 'stale', hidden: true });
/** On a phone the results come first (style.css); this jumps to the inputs below them (a button:
 *  the fragment holds the page's state, so no in-page link may change it). */
const toInputs = h('button', { type: 'button', class: 'phone-only link', id: 'to-inputs' }, 'Edit the inputs ↓');
toInputs.addEventListener('click', () => {
  form.element.scrollIntoView();
  form.element.querySelector<HTMLElement>('input, select, textarea')?.focus({ preventScroll: true });
});
const resultsCol = h('div', { class: 'results-col' }, toInputs, results.tabs, toolbar, staleEl, results.panel);

function markStale(reason: string | null): void {
  staleEl.hidden = reason === null;
  staleEl.textContent = reason === null ? '' : `Not current: ${reason} The results below are for the last inputs the engine accepted.`;
  results.panel.dataset.stale = String(reason !== null);
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

type Outcome = { ok: true } | { ok: false; error: CoreError } | { ok: 'superseded' };
const NO_PLAN: CoreError = { code: 'no_feasible_plan', path: '', message: 'no configuration meets the constraints' };

/** The evaluate-shaped result of a scenario text as the page computes it (search's best when the
 *  engine searches, since the form's scenarios then carry an objective). */
async function resultOf(ticket: Ticket, text: string): Promise<CoreAnswer<Evaluation> | { ok: 'superseded' }> {
  const fn = has('search') ? 'search' : 'evaluate';
  const raw = await ticket.call(fn, text);
  if (raw === SUPERSEDED) return { ok: 'superseded' };
  if (fn === 'evaluate') return readResult<EvaluateAnswer>(raw);
  const a = readResult<SearchAnswer>(raw);
  if (!a.ok) return a;
  const best: unknown = a.value.best;
  return isObject(best) ? { ok: true, value: a.value.best } : { ok: false, error: NO_PLAN };
}

/** Evaluates `text` as part of `ticket`; on success, and if no newer request began, it becomes the
 *  accepted state. */
async function compute(ticket: Ticket, text: string): Promise<Outcome> {
  const fn = primaryFn();
  const t0 = performance.now();
  setStatus('Computing…', 'busy');
  const raw = await ticket.call(fn, text);
  if (raw === SUPERSEDED) return { ok: 'superseded' };
  const answer = readAnswer(raw);
  if (!answer.ok) {
    setStatus(answer.error.message, 'error');
    return answer;
  }
  let result: Evaluation | null = null;
  let searched: SearchAnswer | null = null;
  if (fn === 'search') {
    searched = answerAs<SearchAnswer>(answer);
    const best: unknown = searched.best;
    if (!isObject(best)) return { ok: false, error: NO_PLAN };
    result = searched.best;
  } else if (fn === 'evaluate') result = answerAs<EvaluateAnswer>(answer);
  let desc: CoreAnswer<DescribeModelAnswer>;
  if (fn !== 'describeModel') {
    const d = await ticket.call('describeModel', modelRequest(text));
    if (d === SUPERSEDED) return { ok: 'superseded' };
    desc = readResult<DescribeModelAnswer>(d);
  } else desc = { ok: true, value: answerAs<DescribeModelAnswer>(answer) };
  let pinnedResult = store.pinnedResult;
  if (store.pinned !== undefined && has('evaluate')) {
    const b = await resultOf(ticket, store.pinned);
    if (b.ok === 'superseded') return b;
    pinnedResult = b.ok ? b.value : null;
  }
  store.accepted = text;
  store.current = result;
  store.searchAnswer = searched;
  store.currentText = result ? raw : '';
  store.currentAnswer = result ? answer.value : null;
  store.modelDesc = desc.ok ? desc.value : null;
  store.pinnedResult = pinnedResult;
  render();
  setStatus(`Computed in ${(performance.now() - t0).toFixed(1)} ms`);
  return { ok: true };
}

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
  const ticket = requests.begin(CHANNEL.scenario);
  const text = scenarioFromForm();
  if (text === null) {
    // This edit superseded any computation still running, which will not report: end its status.
    if (statusEl.dataset.kind === 'busy') setStatus('Fix the highlighted input', 'error');
    return;
  }
  const r = await compute(ticket, text).catch((e: unknown) => ({
    ok: false as const,
    error: { code: 'engine', path: '', message: String(e instanceof Error ? e.message : e) },
  }));
  if (r.ok === 'superseded' || !ticket.current) return;
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

// ---- the address: state <-> URL fragment -------------------------------------------------------

// encodeLink is asynchronous (it compresses), so two writes can finish out of order: only the
// latest may touch the fragment, or a late write of an older state (a recompute that started
// before a tab switch, say) would put that state back in the address bar and in Copy link.
let hashSeq = 0;
/** The next address write is a new history entry (a view change, a loaded candidate or point),
 *  so Back returns to what was shown before; edits to inputs replace the current entry. */
let pushNext = false;

/** Writes the current state's link into the fragment; returns that fragment. */
async function writeHash(): Promise<string> {
  const mine = ++hashSeq;
  const push = pushNext;
  pushNext = false;
  const st: LinkState = { s: store.accepted };
  if (store.pinned !== undefined) st.b = store.pinned;
  if (store.view !== 'answer') st.view = store.view;
  if (store.compareHardware.length > 0) st.hw = [...store.compareHardware];
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
  const unknownChip = (st.hw ?? []).find((id) => !store.hardwarePresets.some((p) => p.id === id));
  if (unknownChip !== undefined) return fail(`it compares with an unknown chip "${unknownChip}"`);
  // A link is a scenario request like a form edit: a later edit or link supersedes it.
  const ticket = requests.begin(CHANNEL.scenario);
  if (st.b !== undefined) {
    if (!has('evaluate')) return fail('this engine cannot evaluate the pinned configuration');
    const b = await resultOf(ticket, st.b);
    if (b.ok === 'superseded') return;
    if (!b.ok) return fail(`pinned configuration: ${b.error.message}${b.error.path ? ` (at ${b.error.path})` : ''}`);
  }
  const prevPinned = store.pinned;
  store.pinned = st.b;
  const r = await compute(ticket, st.s);
  if (r.ok !== true) {
    store.pinned = prevPinned;
    if (r.ok === 'superseded') return;
    return fail(`${r.error.message}${r.error.path ? ` (at ${r.error.path})` : ''}`);
  }
  if (primaryFn() === 'describeModel') {
    const m = field(JSON.parse(st.s) as unknown, 'model');
    if (typeof m === 'string') form.fill(JSON.stringify({ model: m }));
  } else form.fill(st.s);
  form.clearErrors();
  if (st.view !== undefined) store.view = st.view;
  store.compareHardware = st.hw ?? [];
  showLinkError(null);
  render();
}

/** Loads a concrete scenario the core produced (a frontier point, a search candidate) into the form. */
function loadScenario(sc: unknown): void {
  if (!isObject(sc)) return;
  // fill keeps the objective; a concrete point has no latency budget, so fill clears it.
  form.fill(JSON.stringify(sc));
  results.selectView('answer');
  // The loaded configuration is a new history entry: Back returns to what was shown before it.
  pushNext = true;
  scheduleRecompute();
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

/** A start-up call (never superseded: nothing else runs on the setup channel). */
async function setupCall(fn: CoreFunction, arg = ''): Promise<ReturnType<typeof readAnswer>> {
  const text = await requests.request(CHANNEL.setup, fn, arg);
  if (text === SUPERSEDED) throw new Error('start-up was interrupted');
  return readAnswer(text);
}

/** A pasted config.json through the core (api.h ModelFromHf): the core parses the text itself, so
 *  a syntax error says where in it. */
async function importHf(configText: string): Promise<HfImport> {
  const text = await requests.request(CHANNEL.hfImport, 'modelFromHf', JSON.stringify({ config_text: configText }));
  if (text === SUPERSEDED) return { ok: false, message: 'superseded by a newer import' };
  const a = readAnswer(text);
  if (!a.ok) return { ok: false, message: a.error.message };
  const model = field(a.value, 'model');
  if (!isObject(model)) return { ok: false, message: 'the core returned no model' };
  const unmapped = arr(a.value, 'unmapped')
    .filter(isObject)
    .map((u) => ({ field: String(u.field), effect: String(u.effect), reason: String(u.reason) }));
  const notes = arr(a.value, 'notes').filter((n): n is string => typeof n === 'string');
  return { ok: true, model, unmapped, notes };
}

async function start(): Promise<void> {
  try {
    info = await client.ready();
    byId('engine-version').textContent = info.engine_version;
    const presets = await setupCall('listPresets');
    if (!presets.ok) throw new Error(presets.error.message);
    const schema = await setupCall('schema');
    if (!schema.ok) throw new Error(schema.error.message);
    store.hardwarePresets = presetRefs(arr(presets.value, 'hardware'));
    form = new ScenarioForm({
      models: presetRefs(arr(presets.value, 'models')),
      hardware: presetRefs(arr(presets.value, 'hardware')),
      canSearch: has('search'),
      schema: answerAs<SchemaAnswer>(schema),
      importHf: has('modelFromHf') ? importHf : undefined,
    });
    for (const hw of presetRefs(arr(presets.value, 'hardware'))) {
      const p = await setupCall('getPreset', JSON.stringify({ kind: 'hardware', id: hw.id }));
      const doc = p.ok ? field(p.value, 'preset') : undefined;
      if (isObject(doc)) form.setHardwarePreset(hw.id, doc);
    }
    // Model presets too: "Custom dimensions…" starts from the model selected before.
    for (const m of presetRefs(arr(presets.value, 'models'))) {
      const p = await setupCall('getPreset', JSON.stringify({ kind: 'models', id: m.id }));
      const doc = p.ok ? field(p.value, 'preset') : undefined;
      if (isObject(doc)) form.setModelPreset(m.id, doc);
    }
    form.fill(
      JSON.stringify({
        model: 'palm-540b',
        hardware: 'tpu-v4',
        chips: 64,
        phase: 'decode',
        batch: 64,
        input_tokens: 2048,
        generate_tokens: 64,
        weights: 'int8',
        ffn_layout: 'auto',
        attention_sharding: 'auto',
        mode: 'calibrated',
        objective: 'min_latency',
      }),
    );
    if (primaryFn() === 'describeModel') {
      // Engine without evaluate(): only the model part of the form applies.
      for (const fs of form.element.querySelectorAll('fieldset')) if (!fs.contains(byId('model-preset', form.element))) fs.hidden = true;
    }
    form.onChange = scheduleRecompute;
    app.replaceChildren(form.element, resultsCol);
    buildToolbar(toolbar, store, writeHash);
    const first = scenarioFromForm();
    if (first === null) throw new Error('the default inputs are invalid');
    const r = await compute(requests.begin(CHANNEL.scenario), first);
    if (r.ok === false) throw new Error(`default scenario rejected: ${r.error.message} (${r.error.path})`);
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
