// esti calculator page. All numbers come from the core in a Web Worker (worker.ts); this file
// wires inputs, the URL fragment and the views together.
import { CoreClient, CoreLoadError } from './core-client.ts';
import { byId, clear, h } from './dom.ts';
import { arr, field, optStr, readAnswer, type CoreError } from './json.ts';
import { decodeLink, encodeLink } from './link.ts';
import { renderModel } from './model-view.ts';

const client = new CoreClient(() => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'esti-core' }));

const status = byId('status');
const linkError = byId('link-error');
const app = byId('app');

/** The last state the core accepted, as JSON text. */
let scenario = JSON.stringify({ model: 'palm-540b' });

const modelSelect = h('select', { id: 'model-preset', name: 'model' });
const modelErr = h('p', { class: 'field-error', id: 'model-preset-error', 'aria-live': 'polite' });
const results = h('div', { id: 'results', tabindex: -1 });

app.append(
  h('form', { class: 'inputs card', 'aria-label': 'Inputs', id: 'inputs' },
    h('fieldset', {},
      h('legend', {}, 'Model'),
      h('label', { for: 'model-preset' }, 'Model preset'),
      modelSelect,
      modelErr,
    ),
  ),
  results,
);
app.querySelector('form')!.addEventListener('submit', (e) => e.preventDefault());

function setStatus(text: string, kind: 'ok' | 'busy' | 'error' = 'ok'): void {
  status.textContent = text;
  status.dataset.kind = kind;
}

function showLinkError(text: string | null): void {
  linkError.textContent = text ?? '';
  linkError.hidden = text === null;
}

function modelOf(scenarioText: string): string {
  // Read one field of text the core has already accepted; nothing is merged into page objects.
  const m = field(JSON.parse(scenarioText) as unknown, 'model');
  return typeof m === 'string' ? m : '';
}

/** Asks the core for the view of `text`; on success it becomes the state. */
async function compute(text: string): Promise<{ ok: true } | { ok: false; error: CoreError }> {
  setStatus('Computing…', 'busy');
  const answer = readAnswer(await client.call('describeModel', text));
  if (!answer.ok) {
    setStatus('Ready');
    return answer;
  }
  scenario = text;
  clear(results);
  results.append(renderModel(answer.value));
  const m = modelOf(text);
  if (m) modelSelect.value = m;
  setStatus(`Computed in ${client.lastElapsedMs.toFixed(1)} ms`);
  return { ok: true };
}

async function writeHash(): Promise<void> {
  const hash = await encodeLink({ s: scenario });
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

let linkSeq = 0;
async function applyHash(): Promise<void> {
  try {
    await applyHashUnsequenced();
  } finally {
    // Lets tests (and assistive tech hooks) know a link was processed.
    document.body.dataset.linkSeq = String(++linkSeq);
  }
}

async function applyHashUnsequenced(): Promise<void> {
  const decoded = await decodeLink(location.hash);
  if (!decoded.ok) {
    showLinkError(`This link cannot be opened: ${decoded.message}. Showing the last valid state instead.`);
    return;
  }
  if (decoded.empty) return;
  const r = await compute(decoded.state.s);
  if (!r.ok) {
    const where = r.error.path ? ` (at ${r.error.path})` : '';
    showLinkError(`This link cannot be opened: ${r.error.message}${where}. Showing the last valid state instead.`);
    return;
  }
  showLinkError(null);
}

modelSelect.addEventListener('change', async () => {
  modelErr.textContent = '';
  const r = await compute(JSON.stringify({ model: modelSelect.value }));
  if (!r.ok) {
    modelErr.textContent = r.error.message;
    return;
  }
  showLinkError(null);
  await writeHash();
});

window.addEventListener('hashchange', () => void applyHash());

async function start(): Promise<void> {
  try {
    const info = await client.ready();
    byId('engine-version').textContent = info.engine_version;
    const presets = readAnswer(await client.call('listPresets'));
    if (!presets.ok) throw new Error(presets.error.message);
    for (const p of arr(presets.value, 'models')) {
      const id = optStr(p, 'id');
      if (id) modelSelect.append(h('option', { value: id }, optStr(p, 'name') ?? id));
    }
    await compute(scenario);
    if (location.hash) await applyHash();
    else await writeHash();
    document.body.dataset.ready = 'true';
  } catch (e) {
    const msg = e instanceof CoreLoadError ? `The calculation engine failed to load: ${e.message}` : `Error: ${e instanceof Error ? e.message : String(e)}`;
    setStatus(msg, 'error');
    document.body.dataset.ready = 'error';
  }
}

void start();
