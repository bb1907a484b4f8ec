// The Paper view: every paper point with esti's numbers (the core's reproduce()), and a box that
// fits the calibrated mode to a user's own measurement file (the core's calibrate()). Every number
// is read from the core's JSON; nothing here computes a quantity.
import { h, numberEl } from './dom.ts';
import { isObject } from './json.ts';
import type { Unit } from './format.ts';
import type { CalibrateAnswer, FitPoint, ReproduceAnswer } from './core-results.ts';

const QUANTITY: Record<string, [string, Unit]> = {
  latency_s: ['latency', 's'],
  latency_per_token_s: ['latency per token', 's'],
  max_context_tokens: ['max context (tokens)', 'int'],
  comm_bytes_per_chip_per_layer: ['bytes per chip per layer', 'bytes'],
};

/** The table of paper points; a measured point loads its own configuration on click. */
export function renderPaper(result: ReproduceAnswer, load: (scenario: unknown) => void): HTMLElement {
  const rows = result.rows;
  const sources: string[] = [];
  for (const r of rows) {
    const s = r.source.replace(/ \(.*\)$/, '');
    if (!sources.includes(s)) sources.push(s);
  }
  const table = (source: string) => {
    const mine = rows.filter((r) => r.source.startsWith(source));
    return h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'grid', 'data-testid': `paper-${source.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}` },
        h('caption', {}, `${source} (${mine.length} points)`),
        h('thead', {}, h('tr', {}, ...['Point', 'Quantity', 'Paper', 'Roofline', 'Calibrated', 'Error', 'In fit'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          ...mine.map((r) => {
            const id = r.id;
            const [label, unit] = QUANTITY[r.quantity] ?? [r.quantity, 'count' as Unit];
            const sc = r.scenario;
            let name: HTMLElement | string = `${id}: ${r.what}`;
            if (isObject(sc)) {
              const b = h('button', { type: 'button', class: 'link', 'data-paper-row': id }, name);
              b.addEventListener('click', () => load(sc));
              name = b;
            }
            const err = r.error;
            return h(
              'tr',
              { 'data-row': id },
              h('td', {}, name),
              h('td', {}, label),
              h('td', {}, numberEl(r.paper, unit, `paper-${id}-paper`)),
              h('td', {}, numberEl(r.roofline, unit, `paper-${id}-roofline`)),
              h('td', {}, numberEl(r.calibrated, unit, `paper-${id}-calibrated`)),
              h('td', { class: Math.abs(err) > 0.15 ? 'far' : undefined }, numberEl(err, 'fraction', `paper-${id}-error`)),
              h('td', {}, r.used_in_fit === true ? 'yes' : 'no'),
            );
          }),
        ),
      ),
    );
  };
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'paper-title', 'data-view': 'paper' },
    h('h2', { id: 'paper-title' }, 'The paper, reproduced'),
    h(
      'p',
      { class: 'muted' },
      'Every table and figure point esti has data for: the paper\'s number, esti\'s roofline (a lower bound) and calibrated numbers, and the calibrated error. "In fit" marks the measurements the TPU v4 calibration was fitted to (all three PaLM models; the README reports its leave-one-model-out errors). Click a measured point to load its configuration.',
    ),
    ...sources.map(table),
  );
}

/** The user's own measurement file: a box, a file picker and the fit the core returns. */
export function renderCalibrateBox(
  text: string,
  result: CalibrateAnswer | null,
  error: string,
  onFit: (text: string) => void,
  onEdit: (text: string) => void,
): HTMLElement {
  const area = h('textarea', {
    id: 'measurements',
    rows: 8,
    spellcheck: 'false',
    'aria-label': 'Measurement file (JSON)',
    placeholder: '{"schema_version": 1, "hardware": "tpu-v4", "points": [...]}',
  });
  area.value = text;
  // What the user typed survives a re-render (a result arriving while they type rebuilds the view).
  area.addEventListener('input', () => onEdit(area.value));
  const errorEl = h('p', { class: 'field-error', 'data-testid': 'calibrate-error', role: 'alert' }, error);
  const file = h('input', { type: 'file', accept: '.json,application/json', id: 'measurements-file', 'aria-label': 'Load a measurement file' });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    // The core reads at most 1 MiB per request: a larger file is refused before it is read.
    if (f.size > 1 << 20) {
      errorEl.textContent = `${f.name} is larger than 1 MiB, the most the engine reads in one request`;
      return;
    }
    errorEl.textContent = '';
    area.value = await f.text();
    onEdit(area.value);
  });
  const fit = h('button', { type: 'button', id: 'fit-measurements' }, 'Fit');
  fit.addEventListener('click', () => onFit(area.value));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'calibrate-title', 'data-view': 'calibrate' },
    h('h2', { id: 'calibrate-title' }, 'Calibrate with your own measurements'),
    h(
      'p',
      { class: 'muted' },
      'A measurement file as in the README ("Bring your own measurements"): each point an evaluate scenario and its measured latency. The core fits the calibrated mode to it, cross-validates, and returns a calibration block for your hardware JSON.',
    ),
    h('div', { class: 'actions' }, file, fit),
    area,
    errorEl,
    result ? renderFit(result) : null,
  );
}

function renderFit(r: CalibrateAnswer): HTMLElement {
  const points = r.points;
  const cv = r.cross_validation;
  const heldOut = new Map<string, FitPoint>();
  for (const p of cv?.held_out ?? []) heldOut.set(p.id, p);
  const params = r.parameters;
  const block = JSON.stringify(r.calibration, null, 1);
  const copy = h('button', { type: 'button', class: 'secondary', id: 'copy-calibration' }, 'Copy calibration block');
  copy.addEventListener('click', () => void navigator.clipboard.writeText(block).catch(() => undefined));
  return h(
    'div',
    { 'data-testid': 'fit-result' },
    h(
      'p',
      {},
      'On the data it saw: median |error| ',
      numberEl(r.median_abs_relative_error, 'fraction', 'fit-median'),
      ', max ',
      numberEl(r.max_abs_relative_error, 'fraction', 'fit-max'),
      cv
        ? h(
            'span',
            {},
            '. Cross-validated by ',
            cv.by,
            ' (predicting what each fit never saw): median ',
            numberEl(cv.median_abs_relative_error, 'fraction', 'cv-median'),
            ', max ',
            numberEl(cv.max_abs_relative_error, 'fraction', 'cv-max'),
          )
        : ' (one model and one group: no cross-validation, so no error band)',
    ),
    ...r.warnings.map((w) => h('p', { class: 'field-error', 'data-testid': 'fit-warning' }, w)),
    h(
      'table',
      { class: 'grid', 'data-testid': 'fit-parameters' },
      h('thead', {}, h('tr', {}, ...['Parameter', 'Value', 'Standard error'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...params.map((p) => {
          // A non-finite standard error arrives as null (the core's JSON): not identifiable, as before.
          const se = typeof p.std_error === 'number' && Number.isFinite(p.std_error) ? p.std_error : undefined;
          const how = p.fitted !== true ? 'fixed' : p.at_bound === true ? 'at its bound' : se !== undefined ? `± ${se.toPrecision(2)}` : 'not identifiable';
          return h('tr', {}, h('th', { scope: 'row' }, p.name), h('td', {}, numberEl(p.value, 'count', `param-${p.name}`)), h('td', {}, how));
        }),
      ),
    ),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'grid', 'data-testid': 'fit-points' },
        h('thead', {}, h('tr', {}, ...['Point', 'Measured', 'Fitted', 'Error', 'Cross-validated', 'Chips × batch'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          ...points.map((p) => {
            const id = p.id;
            const held = heldOut.get(id);
            return h(
              'tr',
              { 'data-row': id },
              h('td', {}, id),
              h('td', {}, numberEl(p.measured_s, 's', `fit-${id}-measured`)),
              h('td', {}, numberEl(p.predicted_s, 's', `fit-${id}-predicted`)),
              h('td', {}, numberEl(p.relative_error, 'fraction', `fit-${id}-error`)),
              h('td', {}, held ? numberEl(held.relative_error, 'fraction', `fit-${id}-cv-error`) : '—'),
              h('td', {}, `${p.chips} × ${p.batch}`),
            );
          }),
        ),
      ),
    ),
    h('div', { class: 'actions' }, copy),
    h('pre', { class: 'calibration-block', 'data-testid': 'calibration-block' }, block),
  );
}
