// The Paper view: every paper point with esti's numbers (the core's reproduce()), and a box that
// fits the calibrated mode to a user's own measurement file (the core's calibrate()). Every number
// is read from the core's JSON; nothing here computes a quantity.
import { h, numberEl } from './dom.ts';
import { arr, field, isObject, num, optBool, optNum, optObj, optStr, str } from './json.ts';
import type { Unit } from './format.ts';
import type { R } from './views.ts';

const QUANTITY: Record<string, [string, Unit]> = {
  latency_s: ['latency', 's'],
  latency_per_token_s: ['latency per token', 's'],
  max_context_tokens: ['max context (tokens)', 'int'],
  comm_bytes_per_chip_per_layer: ['bytes per chip per layer', 'bytes'],
};

/** The table of paper points; a measured point loads its own configuration on click. */
export function renderPaper(result: R, load: (scenario: unknown) => void): HTMLElement {
  const rows = arr(result, 'rows').filter(isObject);
  const sources: string[] = [];
  for (const r of rows) {
    const s = str(r, 'source').replace(/ \(.*\)$/, '');
    if (!sources.includes(s)) sources.push(s);
  }
  const table = (source: string) => {
    const mine = rows.filter((r) => str(r, 'source').startsWith(source));
    return h('div', { class: 'scroll' },
      h('table', { class: 'grid', 'data-testid': `paper-${source.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}` },
        h('caption', {}, `${source} (${mine.length} points)`),
        h('thead', {}, h('tr', {}, ...['Point', 'Quantity', 'Paper', 'Roofline', 'Calibrated', 'Error', 'In fit'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...mine.map((r) => {
          const id = str(r, 'id');
          const [label, unit] = QUANTITY[str(r, 'quantity')] ?? [str(r, 'quantity'), 'count' as Unit];
          const sc = field(r, 'scenario');
          let name: HTMLElement | string = `${id}: ${optStr(r, 'what') ?? ''}`;
          if (isObject(sc)) {
            const b = h('button', { type: 'button', class: 'link', 'data-paper-row': id }, name);
            b.addEventListener('click', () => load(sc));
            name = b;
          }
          const err = num(r, 'error');
          return h('tr', { 'data-row': id },
            h('td', {}, name),
            h('td', {}, label),
            h('td', {}, numberEl(num(r, 'paper'), unit, `paper-${id}-paper`)),
            h('td', {}, numberEl(num(r, 'roofline'), unit, `paper-${id}-roofline`)),
            h('td', {}, numberEl(num(r, 'calibrated'), unit, `paper-${id}-calibrated`)),
            h('td', { class: Math.abs(err) > 0.15 ? 'far' : undefined }, numberEl(err, 'fraction', `paper-${id}-error`)),
            h('td', {}, optBool(r, 'used_in_fit') ? 'yes' : 'no'));
        })),
      ),
    );
  };
  return h('section', { class: 'card', 'aria-labelledby': 'paper-title', 'data-view': 'paper' },
    h('h2', { id: 'paper-title' }, 'The paper, reproduced'),
    h('p', { class: 'muted' }, 'Every table and figure point esti has data for: the paper\'s number, esti\'s roofline (a lower bound) and calibrated numbers, and the calibrated error. "In fit" marks the measurements the TPU v4 calibration was fitted to (all three PaLM models; the README reports its leave-one-model-out errors). Click a measured point to load its configuration.'),
    ...sources.map(table),
  );
}

/** The user's own measurement file: a box, a file picker and the fit the core returns. */
export function renderCalibrateBox(text: string, result: R | null, error: string, onFit: (text: string) => void, onEdit: (text: string) => void): HTMLElement {
  const area = h('textarea', { id: 'measurements', rows: 8, spellcheck: 'false', 'aria-label': 'Measurement file (JSON)', placeholder: '{"schema_version": 1, "hardware": "tpu-v4", "points": [...]}' });
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
  return h('section', { class: 'card', 'aria-labelledby': 'calibrate-title', 'data-view': 'calibrate' },
    h('h2', { id: 'calibrate-title' }, 'Calibrate with your own measurements'),
    h('p', { class: 'muted' }, 'A measurement file as in the README ("Bring your own measurements"): each point an evaluate scenario and its measured latency. The core fits the calibrated mode to it, cross-validates, and returns a calibration block for your hardware JSON.'),
    h('div', { class: 'actions' }, file, fit),
    area,
    errorEl,
    result ? renderFit(result) : null,
  );
}

function renderFit(r: R): HTMLElement {
  const points = arr(r, 'points').filter(isObject);
  const cv = optObj(r, 'cross_validation');
  const heldOut = new Map<string, R>();
  for (const p of arr(cv, 'held_out').filter(isObject)) heldOut.set(str(p, 'id'), p);
  const params = arr(r, 'parameters').filter(isObject);
  const block = JSON.stringify(field(r, 'calibration'), null, 1);
  const copy = h('button', { type: 'button', class: 'secondary', id: 'copy-calibration' }, 'Copy calibration block');
  copy.addEventListener('click', () => void navigator.clipboard.writeText(block).catch(() => undefined));
  return h('div', { 'data-testid': 'fit-result' },
    h('p', {}, 'On the data it saw: median |error| ', numberEl(num(r, 'median_abs_relative_error'), 'fraction', 'fit-median'),
      ', max ', numberEl(num(r, 'max_abs_relative_error'), 'fraction', 'fit-max'),
      cv ? h('span', {}, '. Cross-validated by ', str(cv, 'by'), ' (predicting what each fit never saw): median ',
        numberEl(num(cv, 'median_abs_relative_error'), 'fraction', 'cv-median'), ', max ', numberEl(num(cv, 'max_abs_relative_error'), 'fraction', 'cv-max')) : ' (one model and one group: no cross-validation, so no error band)'),
    ...arr(r, 'warnings').filter((w): w is string => typeof w === 'string').map((w) => h('p', { class: 'field-error', 'data-testid': 'fit-warning' }, w)),
    h('table', { class: 'grid', 'data-testid': 'fit-parameters' },
      h('thead', {}, h('tr', {}, ...['Parameter', 'Value', 'Standard error'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...params.map((p) => {
        const se = optNum(p, 'std_error');
        const how = !optBool(p, 'fitted') ? 'fixed' : optBool(p, 'at_bound') ? 'at its bound' : se !== undefined ? `± ${se.toPrecision(2)}` : 'not identifiable';
        return h('tr', {}, h('th', { scope: 'row' }, str(p, 'name')), h('td', {}, numberEl(num(p, 'value'), 'count', `param-${str(p, 'name')}`)), h('td', {}, how));
      }))),
    h('div', { class: 'scroll' }, h('table', { class: 'grid', 'data-testid': 'fit-points' },
      h('thead', {}, h('tr', {}, ...['Point', 'Measured', 'Fitted', 'Error', 'Cross-validated', 'Chips × batch'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...points.map((p) => {
        const id = str(p, 'id');
        const held = heldOut.get(id);
        return h('tr', { 'data-row': id }, h('td', {}, id),
          h('td', {}, numberEl(num(p, 'measured_s'), 's', `fit-${id}-measured`)),
          h('td', {}, numberEl(num(p, 'predicted_s'), 's', `fit-${id}-predicted`)),
          h('td', {}, numberEl(num(p, 'relative_error'), 'fraction', `fit-${id}-error`)),
          h('td', {}, held ? numberEl(num(held, 'relative_error'), 'fraction', `fit-${id}-cv-error`) : '—'),
          h('td', {}, `${num(p, 'chips')} × ${num(p, 'batch')}`));
      })))),
    h('div', { class: 'actions' }, copy),
    h('pre', { class: 'calibration-block', 'data-testid': 'calibration-block' }, block),
  );
}
