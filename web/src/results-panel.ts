// The results column's views wired to the store: the tabs, which view shows what, and the views that
// compute lazily when first shown (frontier sweep, max context, the paper's reproduction, a fit,
// "Run it"). Every core call goes through the store's latest-wins requests (requests.ts).
import { CancelledError } from './core-client.ts';
import { byId, h, numberEl } from './dom.ts';
import { field, readResult } from './json.ts';
import { renderModel } from './model-view.ts';
import { renderCalibrateBox, renderPaper } from './paper-view.ts';
import {
  FFN_NAMES,
  renderAnswer,
  renderBreakdown,
  renderCompare,
  renderContext,
  renderLayout,
  renderRunIt,
  renderSearch,
  RUN_IT_MODEL,
  type RunItState,
} from './views.ts';
import type {
  CalibrateAnswer,
  DecodeAnswer,
  Evaluation,
  FrontierAnswer,
  FrontierSummaryPoint,
  MaxContextAnswer,
  MeshDecodeAnswer,
  ReproduceAnswer,
  SearchStats,
} from './core-results.ts';
import { scatter, torusPicture, type Marker, type Point, type PointGroup } from './chart.ts';
import { format } from './format.ts';
import { exportButtons } from './export.ts';
import { SUPERSEDED, type LatestRequests } from './requests.ts';
import { CHANNEL, VIEWS, type Store, type View } from './state.ts';
import type { CoreFunction } from './protocol.ts';

export interface PanelDeps {
  store: Store;
  requests: LatestRequests;
  has: (f: CoreFunction) => boolean;
  engineVersion: () => string;
  setStatus: (text: string, kind?: 'ok' | 'busy' | 'error') => void;
  /** Loads a concrete scenario the core produced (a frontier point, a search candidate). */
  loadScenario: (sc: unknown) => void;
  /** The view changed (a history entry) or the pin changed: write the address. */
  stateChanged: (newEntry: boolean) => Promise<unknown>;
  /** Stops the sweep worker (Cancel). */
  cancelSweep: () => void;
}

const STAT_KEYS = ['combinations', 'plans_scored', 'infeasible', 'dominated'] as const;
/** A frontier point: a summary (the page asks for "detail": "summary") or a full evaluation. */
type FrontierPoint = Evaluation | FrontierSummaryPoint;
type FrontierPhase = 'decode' | 'prefill';
type LatencyKey = 'latency_per_token_s' | 'latency_s';
/** One chip's frontier as drawn: its point-key prefix, legend group, short name and points. */
interface Series {
  prefix: string;
  group: string;
  name: string;
  id: string;
  frontier: { prefill?: FrontierPoint[]; decode?: FrontierPoint[]; stats: { prefill?: SearchStats; decode?: SearchStats } };
}
/** Chips compared beside the scenario's own: the core takes at most 8 in one frontier request
 *  (core/src/api/compare_api.h kMaxCompareHardware), and a link carries at most 7 others
 *  (core/include/esti/io/share_link.h kMaxShareLinkHardware). */
const MAX_COMPARED = 7;
/** Series colours (style.css --chip-1..8) and marker shapes: never colour alone. */
const CHIP_COLOURS = 8;
const CHIP_MARKERS: Marker[] = ['circle', 'square', 'triangle', 'diamond'];

/** A preset's name without its parenthesised detail: "NVIDIA H100 SXM (8-GPU HGX/DGX node)" -> "NVIDIA H100 SXM". */
export function shortName(name: string): string {
  return name.replace(/\s*\(.*\)\s*$/, '') || name;
}

export class ResultsPanel {
  readonly tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' });
  readonly panel = h('div', { id: 'results', class: 'results', role: 'tabpanel', tabindex: -1 });
  private frontierRunning = '';
  /** The request the user cancelled: not restarted until they press Compute. */
  private frontierCancelled = '';
  private frontierStopped: 'cancelled' | 'failed' = 'cancelled';
  private runIt: (RunItState & { key: string }) | null = null;

  constructor(private readonly d: PanelDeps) {
    this.tabs.addEventListener('keydown', (e) => {
      const i = VIEWS.findIndex(([id]) => id === this.d.store.view);
      const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? VIEWS.length - 1 : null;
      if (next === null) return;
      e.preventDefault();
      this.selectView(VIEWS[(next + VIEWS.length) % VIEWS.length]![0]);
      byId(`tab-${this.d.store.view}`).focus();
    });
  }

  private get s(): Store {
    return this.d.store;
  }

  selectView(v: View): void {
    const changed = v !== this.s.view;
    this.s.view = v;
    this.render();
    void this.d.stateChanged(changed);
  }

  render(): void {
    this.renderTabs();
    // Start the sweep first, so the view shows it running (with Cancel) from the first frame.
    if (this.s.view === 'frontier') this.maybeStartFrontier();
    let content: HTMLElement;
    try {
      content = this.renderView();
    } catch (e) {
      content = h('section', { class: 'card' }, h('p', { class: 'field-error' }, `Cannot show this result: ${e instanceof Error ? e.message : String(e)}`));
    }
    this.panel.replaceChildren(content);
    this.panel.dataset.view = this.s.view;
    if (this.s.view === 'context') this.maybeStartContext();
    if (this.s.view === 'paper') this.maybeStartPaper();
  }

  // The tab buttons are created once and only their state changes afterwards: replacing them on
  // every render (results arrive asynchronously) could swap a button between the mousedown and the
  // mouseup of a click, and the browser then drops the click.
  private renderTabs(): void {
    if (this.tabs.childElementCount === 0) {
      this.tabs.replaceChildren(
        ...VIEWS.map(([id, label]) => {
          const b = h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': 'results', 'data-view': id }, label);
          b.addEventListener('click', () => this.selectView(id));
          return b;
        }),
      );
    }
    for (const [id] of VIEWS) {
      const b = byId(`tab-${id}`, this.tabs);
      b.setAttribute('aria-selected', String(id === this.s.view));
      b.tabIndex = id === this.s.view ? 0 : -1;
    }
  }

  private missing(fn: string): HTMLElement {
    return h(
      'section',
      { class: 'card', 'data-view': this.s.view },
      h('h2', {}, VIEWS.find(([id]) => id === this.s.view)![1]),
      h(
        'p',
        { class: 'muted', 'data-testid': 'missing' },
        `This engine build (${this.d.engineVersion()}) has no ${fn}() yet, so this view cannot be computed.`,
      ),
    );
  }

  private renderView(): HTMLElement {
    const { has } = this.d;
    const s = this.s;
    switch (s.view) {
      case 'answer': {
        const parts: HTMLElement[] = [];
        if (s.current) parts.push(renderAnswer(s.current, has('search') ? 'Best configuration: ' : 'Configuration: '));
        if (s.searchAnswer) parts.push(renderSearch(s.searchAnswer, this.d.loadScenario));
        else if (!has('evaluate')) parts.push(this.missing('evaluate'));
        if (s.modelDesc) parts.push(renderModel(s.modelDesc));
        return h('div', { class: 'results' }, ...parts);
      }
      case 'breakdown':
        return s.current ? renderBreakdown(s.current) : this.missing('evaluate');
      case 'layout': {
        if (!s.current) return this.missing('evaluate');
        const c = s.current;
        const pic = () => torusPicture(c.topology.map(Number), readRoles(c), c.axis_roles.map(Number));
        const parts: HTMLElement[] = [renderLayout(c, pic), exportButtons('layout', () => this.panel.querySelector<SVGSVGElement>('[data-testid="torus"]'))];
        if (has('decode')) parts.push(this.renderRunItView(c));
        return h('div', { class: 'results' }, ...parts);
      }
      case 'compare': {
        if (!s.current) return this.missing('evaluate');
        const pin = h('button', { type: 'button', id: 'pin' }, s.pinned === undefined ? 'Pin current as B' : 'Pin current as B (replace)');
        pin.addEventListener('click', async () => {
          s.pinned = s.accepted;
          s.pinnedResult = s.current;
          this.render();
          await this.d.stateChanged(false);
        });
        const parts: HTMLElement[] = [
          h('div', { class: 'actions' }, pin, h('span', { class: 'muted' }, 'Pin a configuration, change the inputs, and compare.')),
        ];
        if (s.pinnedResult) parts.push(renderCompare(s.current, s.pinnedResult));
        return h('div', { class: 'results', 'data-view': 'compare' }, ...parts);
      }
      case 'frontier':
        return this.renderFrontierView();
      case 'context':
        return this.renderContextView();
      case 'paper':
        return this.renderPaperView();
    }
  }

  // ---- paper view: reproduce() once, calibrate() on the user's file -------------------------------

  private maybeStartPaper(): void {
    if (!this.d.has('reproduce') || this.s.paperStarted) return;
    this.s.paperStarted = true;
    void this.d.requests.request(CHANNEL.paper, 'reproduce', '{}').then((text) => {
      if (text === SUPERSEDED) return;
      const a = readResult<ReproduceAnswer>(text);
      this.s.paper = a.ok ? a.value : null;
      if (!a.ok) this.d.setStatus(`Paper view: ${a.error.message}`, 'error');
      if (this.s.view === 'paper') this.render();
    });
  }

  private renderPaperView(): HTMLElement {
    const s = this.s;
    const parts: HTMLElement[] = [];
    if (!this.d.has('reproduce')) parts.push(this.missing('reproduce'));
    else if (!s.paper)
      parts.push(h('section', { class: 'card', 'data-view': 'paper' }, h('h2', {}, 'The paper, reproduced'), h('p', { class: 'muted' }, 'Computing…')));
    else parts.push(renderPaper(s.paper, this.d.loadScenario));
    if (this.d.has('calibrate'))
      parts.push(
        renderCalibrateBox(
          s.measurementsText,
          s.fitResult,
          s.fitError,
          (t) => this.fitMeasurements(t),
          (t) => (s.measurementsText = t),
        ),
      );
    return h('div', { class: 'results', 'data-view': 'paper' }, ...parts);
  }

  private async fitMeasurements(text: string): Promise<void> {
    const s = this.s;
    s.measurementsText = text;
    s.fitResult = null;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      s.fitError = text.trim() ? 'The measurement file is not valid JSON.' : 'Paste or load a measurement file first.';
      this.render();
      return;
    }
    s.fitError = '';
    this.d.setStatus('Fitting…', 'busy');
    // The sweep worker: a fit of a large file does not hold up the per-keystroke evaluations.
    const text2 = await this.d.requests
      .request(CHANNEL.calibrate, 'calibrate', JSON.stringify({ data }), 'sweep')
      .catch((e: unknown) => JSON.stringify({ ok: false, error: { code: 'internal', path: '', message: e instanceof Error ? e.message : String(e) } }));
    if (text2 === SUPERSEDED) return;
    const answer = readResult<CalibrateAnswer>(text2);
    if (answer.ok) {
      s.fitResult = answer.value;
      this.d.setStatus('Fitted.', 'ok');
    } else {
      s.fitError = `${answer.error.message}${answer.error.path ? ` (at ${answer.error.path})` : ''}`;
      this.d.setStatus('The measurement file was rejected.', 'error');
    }
    if (s.view === 'paper') this.render();
  }

  // ---- frontier (a sweep, cancellable) ------------------------------------------------------------

  /** The frontier request: the current scenario with the plan fields left for the core to sweep;
   *  with chips to compare, "hardware" lists the scenario's chip first, then each compared preset
   *  (one frontier per chip in one request, api.h Frontier). */
  private frontierRequest(): string {
    const sc = JSON.parse(this.s.accepted) as unknown;
    const out: Record<string, unknown> = { schema_version: 1 };
    for (const k of ['model', 'hardware', 'input_tokens', 'generate_tokens', 'mode']) {
      const v = field(sc, k);
      if (v !== undefined) out[k] = v;
    }
    if (out.generate_tokens === undefined) out.generate_tokens = 64;
    const others = this.comparedWith();
    if (others.length > 0) out.hardware = [out.hardware ?? 'tpu-v4', ...others];
    // Plots need only each point's plan and headline numbers; a clicked point is evaluated in full.
    out.detail = 'summary';
    return JSON.stringify(out);
  }

  /** The scenario's chip id (a preset id, or an edited chip's own id). */
  private currentHardwareId(): string {
    const hw = field(JSON.parse(this.s.accepted) as unknown, 'hardware');
    if (typeof hw === 'string') return hw;
    const id = field(hw, 'id');
    return typeof id === 'string' ? id : '';
  }

  /** The compared presets other than the scenario's own chip, at most MAX_COMPARED. */
  private comparedWith(): string[] {
    const own = this.currentHardwareId();
    return this.s.compareHardware.filter((id) => id !== own).slice(0, MAX_COMPARED);
  }

  /** Checkboxes naming every other hardware preset: the chips drawn beside the scenario's own. */
  private compareChooser(): HTMLElement {
    const s = this.s;
    const own = this.currentHardwareId();
    const chosen = new Set(this.comparedWith());
    const boxes = s.hardwarePresets
      .filter((p) => p.id !== own)
      .map((p) => {
        const box = h('input', { type: 'checkbox', value: p.id, 'data-testid': `compare-${p.id}` }) as HTMLInputElement;
        box.checked = chosen.has(p.id);
        box.disabled = !box.checked && chosen.size >= MAX_COMPARED;
        box.addEventListener('change', () => {
          const next = s.hardwarePresets.map((q) => q.id).filter((id) => (id === p.id ? box.checked : s.compareHardware.includes(id)));
          s.compareHardware = next.filter((id) => id !== own);
          this.render();
          void this.d.stateChanged(false);
        });
        return h('label', { class: 'check' }, box, ` ${shortName(p.name)}`);
      });
    return h(
      'fieldset',
      { class: 'compare-chips', 'data-testid': 'frontier-compare' },
      h('legend', {}, 'Compare with other chips (one frontier each, same model and workload)'),
      ...boxes,
    );
  }

  private maybeStartFrontier(force = false): void {
    const s = this.s;
    if (!this.d.has('frontier') || !s.current) return;
    const req = this.frontierRequest();
    if (s.frontierFor === req || this.frontierRunning === req) return;
    if (this.frontierCancelled === req && !force) return;
    this.frontierCancelled = '';
    this.frontierRunning = req;
    const t0 = performance.now();
    const timer = setInterval(() => {
      const p = this.panel.querySelector('[data-testid="frontier-progress"] .elapsed');
      if (p) p.textContent = `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    }, 100);
    const ticket = this.d.requests.begin(CHANNEL.frontier);
    ticket
      .call('frontier', req, 'sweep')
      .then((text) => {
        if (text === SUPERSEDED) return;
        const a = readResult<FrontierAnswer>(text);
        s.frontier = a.ok ? a.value : null;
        s.frontierFor = req;
        if (!a.ok) this.d.setStatus(`Frontier: ${a.error.message}`, 'error');
        else this.d.setStatus(`Frontier computed in ${(performance.now() - t0).toFixed(0)} ms`);
      })
      .catch((e: unknown) => {
        // Either way it is not restarted until the user presses Compute (no retry loop).
        this.frontierCancelled = req;
        if (!(e instanceof CancelledError)) {
          this.frontierStopped = 'failed';
          this.d.setStatus(`Frontier failed: ${String(e)}`, 'error');
        } else {
          this.frontierStopped = 'cancelled';
          this.d.setStatus('Frontier cancelled');
        }
      })
      .finally(() => {
        clearInterval(timer);
        if (this.frontierRunning === req) this.frontierRunning = '';
        if (ticket.current && s.view === 'frontier') this.render();
      });
  }

  private renderFrontierView(): HTMLElement {
    const s = this.s;
    if (!this.d.has('frontier')) return this.missing('frontier');
    const req = s.current ? this.frontierRequest() : '';
    const chooser = s.current && s.hardwarePresets.length > 1 ? this.compareChooser() : h('span', {});
    if (s.frontierFor !== req || !s.frontier) {
      const cancel = h('button', { type: 'button', class: 'secondary', id: 'cancel-sweep' }, 'Cancel');
      cancel.addEventListener('click', () => this.d.cancelSweep());
      return h(
        'section',
        { class: 'card chart-card', 'data-view': 'frontier' },
        h('h2', {}, 'Pareto frontiers'),
        chooser,
        h(
          'div',
          { class: 'progress', 'data-testid': 'frontier-progress' },
          this.frontierRunning
            ? h('span', {}, 'Sweeping every slice, batch, weight format and layout… ', h('span', { class: 'elapsed' }, '0.0 s'))
            : h('span', {}, `Not computed (${this.frontierStopped}). `),
          this.frontierRunning ? cancel : this.retryButton(),
        ),
      );
    }
    const f = s.frontier;
    // One series per chip when comparing (the core's per_hardware, scenario's chip first), else the
    // scenario's chip alone, its points grouped by weight format as before.
    const comparing = 'per_hardware' in f;
    const series: Series[] = comparing
      ? f.per_hardware.map((e, k) => ({ prefix: `h${k}-`, group: `chip-${k}`, name: shortName(e.hardware_name), id: e.hardware_id, frontier: e }))
      : [{ prefix: '', group: '', name: '', id: this.currentHardwareId(), frontier: f }];
    const groups: PointGroup[] = comparing
      ? series.map((se, k) => ({ id: se.group, name: se.name, colorVar: `--chip-${(k % CHIP_COLOURS) + 1}`, marker: CHIP_MARKERS[k % CHIP_MARKERS.length]! }))
      : WEIGHT_GROUPS;
    const current = s.current;
    // The current configuration is the point with its phase and exactly its latency and cost, on
    // the scenario's own chip (the first series).
    const SAME_KEYS = ['phase', 'chips', 'batch', 'weights', 'ffn_layout', 'attention_sharding', 'latency_s', 'cost_chip_s_per_token'] as const;
    const same = (p: FrontierPoint) => current !== null && SAME_KEYS.every((k) => p[k] === current[k]);
    const byKey = new Map<string, FrontierPoint>();
    // The paper's Figure 1 axes: decode per generated token, prefill per forward pass over the prompt.
    const xKey = (phase: FrontierPhase) => (phase === 'decode' ? 'latency_per_token_s' : 'latency_s');
    const points = (phase: FrontierPhase, y: 'cost_chip_s_per_token' | 'mfu'): Point[] =>
      series.flatMap((se, k) =>
        (se.frontier[phase] ?? []).map((p: FrontierPoint, i: number) => {
          const key = `${se.prefix}${phase}-${i}`;
          byKey.set(key, p);
          const card = pointCard(p, xKey(phase));
          if (comparing) card.title = `${se.name}: ${card.title}`;
          return {
            x: Number(p[xKey(phase)]),
            y: Number(p[y]),
            label: `${comparing ? `${se.name}, ` : ''}${pointLabel(p, xKey(phase))}`,
            card,
            group: comparing ? se.group : String(p.weights),
            current: k === 0 && same(p),
            key,
          };
        }),
      );
    const pick = (key: string) => {
      // The point's scenario is concrete: the core evaluates (searches) it to the point's numbers.
      this.d.loadScenario(byKey.get(key)?.scenario);
    };
    const charts: SVGSVGElement[] = [];
    const figures: HTMLElement[] = [];
    for (const [phase, xl] of [
      ['decode', 'latency per generated token'],
      ['prefill', 'prefill latency (whole prompt)'],
    ] as const) {
      for (const [y, yl, yu] of [
        ['cost_chip_s_per_token', 'cost per token', 'chip_s'],
        ['mfu', 'MFU', 'fraction'],
      ] as const) {
        const { figure, svg } = scatter({
          title: `${phase[0]!.toUpperCase()}${phase.slice(1)}: latency vs ${yl}`,
          xLabel: xl,
          yLabel: yl,
          xUnit: 's',
          yUnit: yu,
          groups,
          points: points(phase, y),
          lineVar: '--muted',
          linePerGroup: comparing,
          onPick: pick,
          testId: `frontier-${phase}-${y === 'mfu' ? 'mfu' : 'cost'}`,
        });
        charts.push(svg);
        figures.push(figure);
      }
    }
    const statRow = (se: Series, phase: FrontierPhase) => {
      const st: SearchStats | undefined = se.frontier.stats[phase];
      const id = comparing ? `frontier-${se.id}-${phase}` : `frontier-${phase}`;
      const n = (k: (typeof STAT_KEYS)[number]) => {
        const v = st?.[k];
        return typeof v === 'number' ? numberEl(v, 'int', `${id}-${k}`) : '—';
      };
      return h(
        'tr',
        {},
        ...(comparing ? [h('th', { scope: 'row' }, se.name)] : []),
        h('th', { scope: 'row' }, phase),
        h('td', {}, numberEl((se.frontier[phase] ?? []).length, 'int', `${id}-points`)),
        ...STAT_KEYS.map((k) => h('td', {}, n(k))),
      );
    };
    return h(
      'section',
      { class: 'card chart-card', 'data-view': 'frontier' },
      h('h2', {}, 'Pareto frontiers'),
      h(
        'p',
        { class: 'muted' },
        `Every slice up to 4096 chips, batch 1 to 4096, every weight format and layout the core considers; only the points no other point beats on both latency and cost are drawn${comparing ? ', one frontier per chip' : ''}. Point at a dot (or tab into a chart and use the arrow keys) for its plan and numbers; click it (or press Enter) to load it. The ringed point is the current configuration.`,
      ),
      chooser,
      h('div', { class: 'charts' }, ...figures),
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { class: 'grid', 'data-testid': 'frontier-stats' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...(comparing ? [h('th', { scope: 'col' }, 'Chip')] : []),
              h('th', { scope: 'col' }, 'Phase'),
              h('th', { scope: 'col' }, 'On the frontier'),
              ...STAT_KEYS.map((k) => h('th', { scope: 'col' }, k.replace(/_/g, ' '))),
            ),
          ),
          h('tbody', {}, ...series.flatMap((se) => [statRow(se, 'decode'), statRow(se, 'prefill')])),
        ),
      ),
      h('div', { class: 'actions' }, ...charts.map((c) => exportButtons(c.getAttribute('data-testid') ?? 'frontier', () => c))),
    );
  }

  private retryButton(): HTMLElement {
    const b = h('button', { type: 'button', class: 'secondary' }, 'Compute');
    b.addEventListener('click', () => {
      this.maybeStartFrontier(true);
      this.render();
    });
    return b;
  }

  // ---- max context --------------------------------------------------------------------------------

  private contextRequest(): string {
    const s = this.s;
    const sc = JSON.parse(s.accepted) as unknown;
    const r = s.current;
    const fraction = s.kvFraction === 'free' ? {} : { kv_memory_fraction: Number(s.kvFraction) };
    return JSON.stringify({
      model: field(sc, 'model'),
      hardware: field(sc, 'hardware') ?? 'tpu-v4',
      chips: r?.chips,
      batch: r?.batch,
      weights: r?.weights,
      ...fraction,
    });
  }

  private maybeStartContext(): void {
    const s = this.s;
    if (!this.d.has('maxContext') || !s.current) return;
    const req = this.contextRequest();
    if (s.contextFor === req) return;
    s.contextFor = req;
    void this.d.requests.request(CHANNEL.context, 'maxContext', req).then((text) => {
      if (text === SUPERSEDED) return;
      const a = readResult<MaxContextAnswer>(text);
      s.context = a.ok ? a.value : null;
      if (!a.ok) this.d.setStatus(`Max context: ${a.error.message}`, 'error');
      if (s.view === 'context') this.panel.replaceChildren(this.renderContextView());
    });
  }

  private renderContextView(): HTMLElement {
    const s = this.s;
    if (!this.d.has('maxContext')) return this.missing('maxContext');
    if (!s.context || s.contextFor !== this.contextRequest())
      return h('section', { class: 'card', 'data-view': 'context' }, h('h2', {}, 'Maximum context'), h('p', { class: 'muted' }, 'Computing…'));
    return renderContext(s.context, s.kvFraction, (v) => {
      s.kvFraction = v;
      this.render();
    });
  }

  // ---- "Run it": the chosen layout on the in-process mesh -----------------------------------------

  private renderRunItView(c: Evaluation): HTMLElement {
    const req = runItRequest(c);
    const st: RunItState = this.runIt && this.runIt.key === req.key ? this.runIt : { mesh: req.mesh, running: false };
    return renderRunIt(
      st,
      c.ffn_layout,
      c.attention_sharding,
      () => void this.runItNow(c),
      () => this.d.cancelSweep(),
    );
  }

  private async runItNow(c: Evaluation): Promise<void> {
    const req = runItRequest(c);
    const mine: RunItState & { key: string } = { key: req.key, mesh: req.mesh, running: true };
    this.runIt = mine;
    if (this.s.view === 'layout') this.render();
    const plainReq: Record<string, unknown> = { ...req.request };
    for (const k of ['mesh', 'ffn_layout', 'attention_sharding']) delete plainReq[k];
    const ticket = this.d.requests.begin(CHANNEL.runIt);
    try {
      // On the sweep worker, which Cancel may stop (a cancelled call rejects with CancelledError).
      const ta = await ticket.call('decode', JSON.stringify(req.request), 'sweep');
      const tb = ta === SUPERSEDED ? SUPERSEDED : await ticket.call('decode', JSON.stringify(plainReq), 'sweep');
      if (ta === SUPERSEDED || tb === SUPERSEDED) return;
      const a = readResult<MeshDecodeAnswer>(ta);
      const b = readResult<DecodeAnswer>(tb);
      if (!a.ok) mine.error = `${a.error.code} at ${a.error.path}: ${a.error.message}`;
      else if (!b.ok) mine.error = b.error.message;
      else {
        mine.result = a.value;
        mine.plain = b.value;
      }
    } catch (e) {
      if (e instanceof CancelledError) mine.error = 'Cancelled: the worker running it was stopped and a fresh one started.';
      else mine.error = e instanceof Error ? e.message : String(e);
    }
    mine.running = false;
    if (this.runIt === mine && this.s.view === 'layout') this.render();
  }
}

/** A frontier point's hover/focus text: its plan, latency with the calibrated band, cost and MFU
 *  (all the core's numbers, formatted). */
function pointLabel(p: FrontierPoint, latencyKey: LatencyKey): string {
  const band = p.latency_band;
  const perToken = latencyKey === 'latency_per_token_s';
  const lo = band?.[perToken ? 'low_per_token_s' : 'low_s'];
  const hi = band?.[perToken ? 'high_per_token_s' : 'high_s'];
  const range = typeof lo === 'number' && typeof hi === 'number' ? ` (band ${format(lo, 's')}–${format(hi, 's')})` : '';
  return (
    `${p.chips} chips, batch ${p.batch}, ${p.weights}, ${p.ffn_layout}, ${p.attention_sharding}: ` +
    `${format(Number(p[latencyKey]), 's')}${perToken ? ' per token' : ''}${range}, ${format(Number(p.cost_chip_s_per_token), 'chip_s')} per token, MFU ${format(Number(p.mfu), 'fraction')}`
  );
}

/** Frontier points by weight format: a colour and a marker shape each, readable in both themes. */
const WEIGHT_GROUPS: PointGroup[] = [
  { id: 'bf16', name: 'bf16 weights', colorVar: '--bar', marker: 'circle' },
  { id: 'int8', name: 'int8 weights', colorVar: '--bar3', marker: 'square' },
];

/** A frontier point's card: its plan, then latency (with the calibrated band), cost and MFU, all
 *  the core's numbers, formatted. */
function pointCard(p: FrontierPoint, latencyKey: LatencyKey): { title: string; rows: [string, string][] } {
  const perToken = latencyKey === 'latency_per_token_s';
  const band = p.latency_band;
  const lo = band?.[perToken ? 'low_per_token_s' : 'low_s'];
  const hi = band?.[perToken ? 'high_per_token_s' : 'high_s'];
  const rows: [string, string][] = [[perToken ? 'Latency per generated token' : 'Prefill latency (whole prompt)', format(Number(p[latencyKey]), 's')]];
  if (typeof lo === 'number' && typeof hi === 'number') rows.push(['Calibration error band', `${format(lo, 's')} – ${format(hi, 's')}`]);
  rows.push(['Cost per token', format(Number(p.cost_chip_s_per_token), 'chip_s')]);
  // The core gives dollars only for a chip with a list price (api.h Frontier, "per_hardware").
  if (p.usd_per_million_tokens !== undefined) rows.push(['Cost per million tokens', format(p.usd_per_million_tokens, 'usd')]);
  rows.push(['MFU', format(Number(p.mfu), 'fraction')]);
  // Beside the numbers, what the calibrated mode could not vouch for (the core's own words).
  const warnings = p.calibration_warnings ?? [];
  if (warnings.length > 0) rows.push(['Calibration', warnings.join('; ')]);
  const topo = p.topology.join('×');
  const ffn = String(p.ffn_layout);
  return {
    title: `${p.chips} chips (${topo}), batch ${p.batch}, ${p.weights} weights, FFN ${FFN_NAMES[ffn] ?? ffn}, attention over ${p.attention_sharding}`,
    rows,
  };
}

/** The run request for a result: its layouts on its role sizes capped at 2 chips per axis. */
function runItRequest(c: Evaluation): { key: string; mesh: string; request: Record<string, unknown> } {
  const r = readRoles(c);
  const mesh = [r.x, r.y, r.z].map((n) => Math.min(n, 2)).join('x');
  const request: Record<string, unknown> = { model: RUN_IT_MODEL, prompt: [1, 2, 3], tokens: 3, batch: 8, hashes: false };
  const withMesh: Record<string, unknown> = { ...request, mesh, ffn_layout: c.ffn_layout, attention_sharding: c.attention_sharding };
  return { key: JSON.stringify(withMesh), mesh, request: withMesh };
}

export function readRoles(c: Evaluation): { x: number; y: number; z: number } {
  const r: Partial<Evaluation['role_sizes']> = c.role_sizes ?? {};
  const n = (k: 'x' | 'y' | 'z') => Number(r[k] ?? 1);
  return { x: n('x'), y: n('y'), z: n('z') };
}
