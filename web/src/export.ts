// Getting results out of the page: the result as JSON (the core's text verbatim) or CSV, a chart
// as SVG or PNG, and a link to the current state.
import { download, svgText, svgToPng } from './chart.ts';
import { h } from './dom.ts';
import { isObject } from './json.ts';
import type { Store } from './state.ts';

/** SVG and PNG buttons for the chart `svg()` returns when clicked. */
export function exportButtons(name: string, svg: () => SVGSVGElement | null): HTMLElement {
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

/** Fills the toolbar: Copy link (of the state at the click) and the result's JSON / CSV. */
export function buildToolbar(toolbar: HTMLElement, store: Store, writeHash: () => Promise<string>): void {
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
    if (store.currentText) download('esti-result.json', new Blob([store.currentText], { type: 'application/json' }));
  });
  const csv = h('button', { type: 'button', class: 'secondary', id: 'export-csv' }, 'CSV');
  csv.addEventListener('click', () => {
    if (store.currentAnswer) download('esti-result.csv', new Blob([toCsv(store.currentAnswer)], { type: 'text/csv' }));
  });
  toolbar.replaceChildren(copy, h('span', { class: 'actions' }, 'Export result: ', json, csv), copied);
}

/** Flattens the core's result into key,value rows (keys are JSON pointers). */
export function toCsv(r: unknown): string {
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
