// The input form. It turns its fields into a scenario document (sent to the core as JSON text)
// and fills itself from a scenario the core has accepted. Range checks are the core's: its errors
// carry a JSON pointer, which `showErrors` maps back to the input it concerns.
import { h } from './dom.ts';
import { field, isObject } from './json.ts';
import type { CoreSchema, DocumentName, SchemaField } from './core-types.ts';

export interface PresetRef {
  id: string;
  name: string;
}

type QuantityKind = 'bytes' | 'bytes_per_s' | 'flops_per_s' | 's';
const QUANTITY_KINDS: readonly string[] = ['bytes', 'bytes_per_s', 'flops_per_s', 's'];
const UNIT_EXAMPLE: Record<QuantityKind, string> = { bytes: 'e.g. 32 GiB', bytes_per_s: 'e.g. 1.2 TB/s', flops_per_s: 'e.g. 275 TFLOP/s', s: 'e.g. 50 ms' };

/** A field of a model or hardware document shown by the form: the control with id `id`. */
interface Edited {
  id: string;
  field: SchemaField;
}

/** The quantity a number field's key names (the core also reads "32 GiB" for it), if any. */
function quantityOf(f: SchemaField): QuantityKind | undefined {
  return f.accepts_units && f.unit !== undefined && QUANTITY_KINDS.includes(f.unit) ? (f.unit as QuantityKind) : undefined;
}

function unitHint(f: SchemaField): string {
  const q = quantityOf(f);
  return q ? UNIT_EXAMPLE[q] : (f.unit ?? '');
}

/** The field `key` of a document, as the core describes it. */
export function schemaField(schema: CoreSchema, doc: DocumentName, key: string): SchemaField {
  const f = schema.documents[doc].fields.find((x) => x.key === key);
  if (!f) throw new Error(`the core's schema has no field ${doc}.${key}`);
  return f;
}

/** The model or chip fields the form shows: every number, choice and switch of the document
 *  (names, citations and the calibration block are kept from the document being edited). */
function editableFields(schema: CoreSchema, doc: 'model' | 'hardware', prefix: string): Edited[] {
  return schema.documents[doc].fields
    .filter((f) => f.type === 'integer' || f.type === 'number' || f.type === 'enum' || f.type === 'boolean')
    .map((f) => ({ id: `${prefix}${f.key}`, field: f }));
}

function enumOptions(f: SchemaField): [string, string][] {
  return (f.values ?? []).map((v): [string, string] => [v.value, v.label]);
}

const QUANTITY_UNIT: Record<QuantityKind, string> = { bytes: 'B', bytes_per_s: 'B/s', flops_per_s: 'FLOP/s', s: 's' };
const DECIMAL: [number, string][] = [
  [15, 'P'],
  [12, 'T'],
  [9, 'G'],
  [6, 'M'],
  [3, 'k'],
  [0, ''],
  [-3, 'm'],
  [-6, 'u'],
  [-9, 'n'],
];

/** A stored SI value as people write it ("32 GiB", "1.2 TB/s", "50 ms"), only when the core reads
 *  that text back to exactly the same number (io/quantity.h); otherwise the plain number. */
export function quantityText(v: number, kind: QuantityKind): string {
  if (!Number.isFinite(v) || v <= 0) return String(v);
  const unit = QUANTITY_UNIT[kind];
  if (kind === 'bytes') {
    for (const [e, p] of [
      [50, 'Pi'],
      [40, 'Ti'],
      [30, 'Gi'],
      [20, 'Mi'],
      [10, 'Ki'],
    ] as const) {
      const m = v / 2 ** e;
      if (m >= 1 && Number.isInteger(m) && m < 10000) return `${m} ${p}${unit}`;
    }
  }
  for (const [e, p] of DECIMAL) {
    if (e < 0 && kind !== 's') continue;
    const m = v / 10 ** e;
    if (m < 1 && e !== DECIMAL[DECIMAL.length - 1]![0]) continue;
    // The shortest decimal of the mantissa, then the same literal the core reads: exact or nothing.
    const text = String(Number(m.toPrecision(15)));
    if (Number(`${text}e${e}`) === v) return `${text} ${p}${unit}`;
    break;
  }
  return String(v);
}

/** What the core made of a Hugging Face config.json (api.h ModelFromHf). */
export type HfImport =
  { ok: true; model: Record<string, unknown>; notes: string[]; unmapped: { field: string; effect: string; reason: string }[] } | { ok: false; message: string };

export interface FormOptions {
  models: PresetRef[];
  hardware: PresetRef[];
  canSearch: boolean;
  /** The core's schema (api Schema): fields, labels, units, choices. */
  schema: CoreSchema;
  /** Converts a pasted config.json's text (the core's modelFromHf); absent: no import box. */
  importHf?: (configText: string) => Promise<HfImport>;
}

interface Fields {
  [id: string]: HTMLInputElement | HTMLSelectElement;
}

function numInput(id: string, attrs: Record<string, string> = {}): HTMLInputElement {
  return h('input', {
    id,
    name: id,
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': `${id}-error`,
    ...attrs,
  });
}

function select(id: string, options: [string, string][]): HTMLSelectElement {
  return h('select', { id, name: id, 'aria-describedby': `${id}-error` }, ...options.map(([v, t]) => h('option', { value: v }, t)));
}

function errorEl(id: string): HTMLElement {
  return h('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': id });
}

function labelled(id: string, label: string, unit: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label, unit ? h('span', { class: 'unit' }, ` (${unit})`) : null), control, errorEl(id));
}

export class ScenarioForm {
  readonly element: HTMLFormElement;
  private f: Fields = {};
  private modelFields: HTMLElement;
  private hwFields: HTMLElement;
  private chipsBox: HTMLElement;
  private topoBox: HTMLElement;
  private genBox: HTMLElement;
  /** Decode: a budget per generated token; prefill: on the whole prompt (time to first token). */
  private budgetBox: HTMLElement;
  private general: HTMLElement;
  private hwPresets = new Map<string, Record<string, unknown>>();
  private modelPresets = new Map<string, Record<string, unknown>>();
  /** The model and chip documents being edited when "custom" is selected: the linked document,
   *  or a copy of the preset that was selected before. Fields the form does not show (name, id,
   *  nominal_params, collective_bandwidth, calibration, ...) are kept from it on every edit. */
  private baseModel: Record<string, unknown> | undefined;
  private baseHw: Record<string, unknown> | undefined;
  /** The text each model/chip input showed when filled: an input still showing it keeps the
   *  document's own value (the user did not edit it). */
  private shownText = new Map<string, string>();
  private lastModelPreset = '';
  private lastHwPreset = '';
  private readonly schema: CoreSchema;
  private readonly modelEdits: Edited[];
  private readonly hwEdits: Edited[];
  onChange: () => void = () => undefined;

  constructor(opts: FormOptions) {
    const f = this.f;
    const schema = (this.schema = opts.schema);
    this.modelEdits = editableFields(schema, 'model', 'm-');
    this.hwEdits = editableFields(schema, 'hardware', 'hw-');
    const sc = (key: string): SchemaField => schemaField(schema, 'scenario', key);
    f['model-preset'] = select('model-preset', [...opts.models.map((m): [string, string] => [m.id, m.name]), ['custom', 'Custom dimensions…']]);
    f['hw-preset'] = select('hw-preset', [...opts.hardware.map((m): [string, string] => [m.id, m.name]), ['custom', 'Edited specs…']]);
    for (const { id, field: x } of [...this.modelEdits, ...this.hwEdits]) {
      if (x.type === 'enum') f[id] = select(id, enumOptions(x));
      else if (x.type === 'boolean')
        f[id] = select(id, [
          ['true', 'Yes'],
          ['false', 'No'],
        ]);
      else f[id] = numInput(id, x.type === 'integer' ? { inputmode: 'numeric' } : {});
    }
    const control = ({ id, field: x }: Edited): HTMLElement => {
      const e = labelled(id, x.label, unitHint(x), f[id]!);
      if (x.help) e.title = x.help;
      return e;
    };
    f['slice-kind'] = select('slice-kind', [
      ['chips', 'Number of chips'],
      ['topology', 'Torus shape X × Y × Z'],
    ]);
    f['chips'] = numInput('chips', { inputmode: 'numeric' });
    for (const i of [0, 1, 2]) f[`topology-${i}`] = numInput(`topology-${i}`, { inputmode: 'numeric', 'aria-describedby': 'topology-error' });
    f['phase'] = select('phase', enumOptions(sc('phase')));
    f['batch'] = numInput('batch', { inputmode: 'numeric' });
    f['input_tokens'] = numInput('input_tokens', { inputmode: 'numeric' });
    f['generate_tokens'] = numInput('generate_tokens', { inputmode: 'numeric' });
    // "auto" where the core accepts it: every value compared (weights only when searching).
    f['weights'] = select('weights', [...enumOptions(sc('weights')), ...(opts.canSearch ? [['auto', 'Best of all'] as [string, string]] : [])]);
    f['ffn_layout'] = select('ffn_layout', [['auto', 'Auto (fastest that fits)'], ...enumOptions(sc('ffn_layout'))]);
    f['attention_sharding'] = select('attention_sharding', [['auto', 'Auto'], ...enumOptions(sc('attention_sharding'))]);
    f['mode'] = select('mode', enumOptions(sc('mode')));
    f['objective'] = select('objective', enumOptions(sc('objective')));
    f['max_latency_per_token_s'] = numInput('max_latency_per_token_s', { placeholder: 'none' });

    this.modelFields = h('div', { class: 'sub-fields', id: 'model-custom' }, h('div', { class: 'row2' }, ...this.modelEdits.map(control)));
    this.hwFields = h('div', { class: 'sub-fields', id: 'hw-custom' }, h('div', { class: 'row2' }, ...this.hwEdits.map(control)));
    const countHint = (x: SchemaField): string => (opts.canSearch && x.lists ? `${x.unit ?? ''}, or “auto”` : (x.unit ?? ''));
    this.chipsBox = labelled('chips', sc('chips').label, countHint(sc('chips')), f['chips']!);
    this.topoBox = h(
      'div',
      { class: 'field' },
      h('span', { class: 'label', id: 'topology-label' }, 'Torus shape ', h('span', { class: 'unit' }, '(chips per axis X, Y, Z)')),
      h(
        'div',
        { class: 'row3', role: 'group', 'aria-labelledby': 'topology-label' },
        ...[0, 1, 2].map((i) => {
          const e = f[`topology-${i}`]!;
          e.setAttribute('aria-label', `Chips along ${'XYZ'[i]}`);
          return e;
        }),
      ),
      errorEl('topology'),
    );
    this.genBox = labelled('generate_tokens', sc('generate_tokens').label, sc('generate_tokens').unit ?? '', f['generate_tokens']!);
    this.budgetBox = labelled('max_latency_per_token_s', sc('max_latency_per_token_s').label, 'per token, e.g. 50 ms, optional', f['max_latency_per_token_s']!);
    this.general = h('p', { class: 'field-error', id: 'form-error', role: 'alert' });

    this.element = h(
      'form',
      { class: 'inputs card', id: 'inputs', 'aria-label': 'Inputs', novalidate: true },
      h(
        'fieldset',
        {},
        h('legend', {}, 'Model'),
        labelled('model-preset', 'Model preset', '', f['model-preset']!),
        opts.importHf ? this.importBox(opts.importHf) : null,
        this.modelFields,
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Hardware'),
        labelled('hw-preset', 'Chip', '', f['hw-preset']!),
        this.hwFields,
        labelled('slice-kind', 'Slice given as', '', f['slice-kind']!),
        this.chipsBox,
        this.topoBox,
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Workload'),
        labelled('phase', sc('phase').label, '', f['phase']!),
        labelled('batch', sc('batch').label, countHint(sc('batch')), f['batch']!),
        labelled('input_tokens', sc('input_tokens').label, sc('input_tokens').unit ?? '', f['input_tokens']!),
        this.genBox,
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Plan'),
        labelled('weights', sc('weights').label, '', f['weights']!),
        labelled('ffn_layout', sc('ffn_layout').label, '', f['ffn_layout']!),
        labelled('attention_sharding', sc('attention_sharding').label, '', f['attention_sharding']!),
        labelled('mode', sc('mode').label, '', f['mode']!),
        opts.canSearch ? labelled('objective', sc('objective').label, '', f['objective']!) : null,
        opts.canSearch ? this.budgetBox : null,
      ),
      this.general,
    );
    this.element.addEventListener('submit', (e) => e.preventDefault());
    // The import box's text is not part of the scenario: typing there computes nothing.
    const ownInput = (t: EventTarget | null): boolean => !(t instanceof Node && this.element.querySelector('#hf-import')?.contains(t));
    this.element.addEventListener('input', (e) => ownInput(e.target) && this.changed(e.target));
    this.element.addEventListener('change', (e) => {
      // A text field's "change" (fired when it loses focus) repeats what its "input" events
      // already sent: recomputing again would re-render the results under the click that moved
      // the focus, and a button replaced between mousedown and mouseup never gets the click.
      if (e.target instanceof HTMLInputElement && e.target.type !== 'checkbox' && e.target.type !== 'radio') return;
      if (ownInput(e.target)) this.changed(e.target);
    });
  }

  /** "From a Hugging Face config.json": paste, drop or choose the file; the core converts it
   *  (naming every field it cannot map) and the model becomes the custom model being edited. */
  private importBox(importHf: (text: string) => Promise<HfImport>): HTMLElement {
    const text = h('textarea', {
      id: 'hf-config',
      rows: '5',
      spellcheck: 'false',
      placeholder: '{ "architectures": ["LlamaForCausalLM"], "hidden_size": 8192, … }',
    });
    const file = h('input', { id: 'hf-file', type: 'file', accept: '.json,application/json' });
    const use = h('button', { type: 'button', id: 'hf-use' }, 'Use this model');
    const status = h('p', { id: 'hf-status', role: 'status' });
    const readFile = async (f: File | undefined): Promise<void> => {
      if (f) text.value = await f.text();
    };
    file.addEventListener('change', () => void readFile(file.files?.[0]));
    text.addEventListener('dragover', (e) => e.preventDefault());
    text.addEventListener('drop', (e) => {
      e.preventDefault();
      void readFile(e.dataTransfer?.files[0]);
    });
    use.addEventListener('click', async () => {
      status.className = '';
      status.textContent = 'Converting…';
      const r = await importHf(text.value);
      if (!r.ok) {
        status.className = 'field-error';
        status.textContent = r.message;
        return;
      }
      this.loadModel(r.model);
      const name = typeof r.model.name === 'string' ? r.model.name : 'the model';
      const unmapped = r.unmapped.map((u) => `${u.field} (${u.effect}: ${u.reason})`);
      status.textContent =
        `Loaded ${name}.` +
        (unmapped.length ? ` Not represented: ${unmapped.join('; ')}.` : ' Every field was mapped.') +
        (r.notes.length ? ` ${r.notes.join(' ')}` : '');
    });
    return h(
      'details',
      { id: 'hf-import', class: 'hf-import' },
      h('summary', {}, 'From a Hugging Face config.json…'),
      h('label', { for: 'hf-config' }, 'Paste config.json, drop it here, or choose the file'),
      text,
      h('div', { class: 'hf-actions' }, file, use),
      status,
    );
  }

  /** Makes `model` (a whole model document) the custom model being edited, and recomputes. */
  loadModel(model: Record<string, unknown>): void {
    this.setValue('model-preset', 'custom');
    this.baseModel = structuredClone(model);
    this.fillModelFields(model);
    this.sync();
    this.onChange();
  }

  setHardwarePreset(id: string, preset: Record<string, unknown>): void {
    this.hwPresets.set(id, preset);
  }

  setModelPreset(id: string, preset: Record<string, unknown>): void {
    this.modelPresets.set(id, preset);
  }

  /** Starts a custom model or chip from the document selected before (a copy). */
  private startCustom(kind: 'model' | 'hw'): void {
    const presets = kind === 'model' ? this.modelPresets : this.hwPresets;
    const from = presets.get(kind === 'model' ? this.lastModelPreset : this.lastHwPreset);
    const base: Record<string, unknown> = from ? (structuredClone(from) as Record<string, unknown>) : {};
    const name = typeof base.name === 'string' ? `${base.name}, edited` : kind === 'model' ? 'Custom model' : 'Edited chip';
    base.id = 'custom';
    base.name = name;
    delete base.source;
    // An edited chip is not the preset: its price citation (if any) goes with the other citations.
    delete base.price_source;
    delete base.price_date;
    if (kind === 'model') {
      this.baseModel = base;
      this.fillModelFields(base);
    } else {
      this.baseHw = base;
      this.fillHwFields(base);
    }
  }

  /** Shows a document's fields; a field it does not have shows the core's default (or nothing). */
  private fillFields(doc: Record<string, unknown>, edits: Edited[]): void {
    for (const { id, field: x } of edits) {
      let v = field(doc, x.key);
      if (v === undefined && (x.type === 'enum' || x.type === 'boolean')) v = x.default;
      // A default that is another field's value (n_kv_heads: "n_heads") shows that value.
      if (v === undefined && x.default_rule !== undefined && x.default_rule in doc) v = field(doc, x.default_rule);
      const q = quantityOf(x);
      this.setShown(id, typeof v === 'number' && q ? quantityText(v, q) : typeof v === 'boolean' ? String(v) : (v ?? ''));
    }
  }

  private fillHwFields(hw: Record<string, unknown>): void {
    this.fillFields(hw, this.hwEdits);
  }

  private setShown(id: string, v: unknown): void {
    this.setValue(id, v);
    this.shownText.set(id, this.value(id));
  }

  /** Writes the shown fields into `doc` (a copy of the document being edited): a control still
   *  showing what it was filled with keeps the document's own value, or its absence. */
  private readFields(doc: Record<string, unknown>, edits: Edited[], errors: Map<string, string>): void {
    for (const { id, field: x } of edits) {
      if (this.shownText.get(id) === this.value(id)) continue;
      if (x.type === 'enum') doc[x.key] = this.value(id);
      else if (x.type === 'boolean') doc[x.key] = this.value(id) === 'true';
      else {
        const v = this.readNumber(id, x.type === 'integer', errors, false, !x.required, quantityOf(x) !== undefined);
        if (v === undefined) delete doc[x.key];
        else doc[x.key] = v;
      }
    }
  }

  private fillModelFields(model: Record<string, unknown>): void {
    this.fillFields(model, this.modelEdits);
  }

  private changed(target: EventTarget | null): void {
    if (target === this.f['model-preset']) {
      if (this.value('model-preset') === 'custom') this.startCustom('model');
      else this.baseModel = undefined;
    }
    if (target === this.f['hw-preset']) {
      if (this.value('hw-preset') === 'custom') this.startCustom('hw');
      else this.baseHw = undefined;
    }
    this.sync();
    this.onChange();
  }

  /** Shows only the fields that apply. */
  sync(): void {
    if (this.value('model-preset') !== 'custom') this.lastModelPreset = this.value('model-preset');
    if (this.value('hw-preset') !== 'custom') this.lastHwPreset = this.value('hw-preset');
    this.modelFields.hidden = this.value('model-preset') !== 'custom';
    this.hwFields.hidden = this.value('hw-preset') !== 'custom';
    // The custom entries name what is being edited (a linked document keeps its own name).
    this.customOption('model-preset').textContent =
      this.baseModel && typeof this.baseModel.name === 'string' ? `Custom: ${this.baseModel.name}` : 'Custom dimensions…';
    this.customOption('hw-preset').textContent = this.baseHw && typeof this.baseHw.name === 'string' ? `Custom: ${this.baseHw.name}` : 'Edited specs…';
    const decode = this.value('phase') === 'decode';
    const budgetLabel = this.budgetBox.querySelector('label');
    if (budgetLabel) {
      const budget = schemaField(this.schema, 'scenario', decode ? 'max_latency_per_token_s' : 'max_latency_s');
      budgetLabel.replaceChildren(
        budget.label,
        h('span', { class: 'unit' }, decode ? ' (per generated token, e.g. 50 ms, optional)' : ' (whole prompt, e.g. 0.5 s, optional)'),
      );
    }
    const topo = this.value('slice-kind') === 'topology';
    this.chipsBox.hidden = topo;
    this.topoBox.hidden = !topo;
    this.genBox.hidden = this.value('phase') !== 'decode';
  }

  private customOption(id: string): HTMLOptionElement {
    return (this.f[id] as HTMLSelectElement).querySelector<HTMLOptionElement>('option[value="custom"]')!;
  }

  value(id: string): string {
    return this.f[id]!.value.trim();
  }

  private setValue(id: string, v: unknown): void {
    const e = this.f[id];
    if (!e) return;
    if (typeof v === 'number' || typeof v === 'string') e.value = String(v);
  }

  /** Field-level parse errors (not ranges: those are the core's). */
  private readNumber(
    id: string,
    integer: boolean,
    errors: Map<string, string>,
    allowAuto = false,
    optional = false,
    quantity = false,
  ): number | string | undefined {
    const t = this.value(id);
    if (t === '') {
      if (!optional) errors.set(id, 'required');
      return undefined;
    }
    if (allowAuto && t.toLowerCase() === 'auto') return 'auto';
    // A number with its unit ("32 GiB", "50 ms") goes to the core as typed: the core reads units
    // (io/quantity.h) and its error names the field and what it accepts.
    if (quantity && /^[0-9.eE+ ]+[A-Za-zµ/]+ *$/.test(t) && /[0-9]/.test(t)) return t;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
      errors.set(id, integer ? 'enter a whole number' : 'enter a number (e.g. 1.2e12)');
      return undefined;
    }
    const n = Number(t);
    if (integer && !Number.isInteger(n)) {
      errors.set(id, 'enter a whole number');
      return undefined;
    }
    return n;
  }

  /** The scenario document, or the field errors that prevent building one. */
  read(forSearch: boolean): { ok: true; scenario: Record<string, unknown> } | { ok: false; errors: Map<string, string> } {
    const errors = new Map<string, string>();
    const sc: Record<string, unknown> = { schema_version: 1 };
    if (this.value('model-preset') === 'custom') {
      // The document being edited, with only the fields the form shows replaced.
      const m = structuredClone(this.baseModel ?? { id: 'custom', name: 'Custom model' }) as Record<string, unknown>;
      this.readFields(m, this.modelEdits, errors);
      sc.model = m;
    } else sc.model = this.value('model-preset');
    if (this.value('hw-preset') === 'custom') {
      const hw = structuredClone(this.baseHw ?? { id: 'custom', name: 'Edited chip' }) as Record<string, unknown>;
      this.readFields(hw, this.hwEdits, errors);
      sc.hardware = hw;
    } else sc.hardware = this.value('hw-preset');
    if (this.value('slice-kind') === 'topology') {
      const dims = [0, 1, 2].map((i) => this.readNumber(`topology-${i}`, true, errors));
      for (const i of [0, 1, 2]) if (errors.has(`topology-${i}`)) errors.set('topology', errors.get(`topology-${i}`)!);
      sc.topology = dims;
    } else sc.chips = this.readNumber('chips', true, errors, forSearch);
    sc.phase = this.value('phase');
    sc.batch = this.readNumber('batch', true, errors, forSearch);
    sc.input_tokens = this.readNumber('input_tokens', true, errors);
    if (sc.phase === 'decode') sc.generate_tokens = this.readNumber('generate_tokens', true, errors);
    sc.weights = this.value('weights');
    sc.ffn_layout = this.value('ffn_layout');
    sc.attention_sharding = this.value('attention_sharding');
    sc.mode = this.value('mode');
    if (forSearch) {
      sc.objective = this.value('objective');
      const budget = this.readNumber('max_latency_per_token_s', false, errors, false, true, true);
      if (budget !== undefined) sc[sc.phase === 'decode' ? 'max_latency_per_token_s' : 'max_latency_s'] = budget;
    }
    return errors.size ? { ok: false, errors } : { ok: true, scenario: sc };
  }

  /** Fills the form from a scenario text the core has accepted. */
  fill(text: string): void {
    const sc = JSON.parse(text) as unknown;
    if (!isObject(sc)) return;
    const model = field(sc, 'model');
    if (typeof model === 'string') {
      this.setValue('model-preset', model);
      this.baseModel = undefined;
    } else if (isObject(model)) {
      this.setValue('model-preset', 'custom');
      this.baseModel = structuredClone(model) as Record<string, unknown>;
      this.fillModelFields(model);
    }
    const hw = field(sc, 'hardware');
    if (typeof hw === 'string' || hw === undefined) {
      this.setValue('hw-preset', hw ?? 'tpu-v4');
      this.baseHw = undefined;
    } else if (isObject(hw)) {
      this.setValue('hw-preset', 'custom');
      this.baseHw = structuredClone(hw) as Record<string, unknown>;
      this.fillHwFields(hw);
    }
    const topo = field(sc, 'topology');
    if (Array.isArray(topo)) {
      this.setValue('slice-kind', 'topology');
      topo.slice(0, 3).forEach((v, i) => this.setValue(`topology-${i}`, v));
    } else {
      this.setValue('slice-kind', 'chips');
      this.setValue('chips', field(sc, 'chips'));
    }
    for (const k of ['phase', 'batch', 'input_tokens', 'generate_tokens', 'weights', 'ffn_layout', 'attention_sharding', 'mode', 'objective']) {
      const v = field(sc, k);
      if (v !== undefined) this.setValue(k, v);
    }
    const budget = field(sc, field(sc, 'phase') === 'prefill' ? 'max_latency_s' : 'max_latency_per_token_s');
    this.setValue('max_latency_per_token_s', typeof budget === 'number' ? quantityText(budget, 's') : typeof budget === 'string' ? budget : '');
    this.sync();
  }

  clearErrors(): void {
    for (const e of this.element.querySelectorAll<HTMLElement>('.field-error')) e.textContent = '';
    for (const e of this.element.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  }

  /** Shows parse errors by field id. */
  showFieldErrors(errors: Map<string, string>): void {
    this.clearErrors();
    for (const [id, msg] of errors) this.showAt(id, msg);
  }

  /** Shows a core error next to the input its JSON pointer names. */
  showCoreError(path: string, message: string): string {
    this.clearErrors();
    const id = fieldForPath(path, this.schema);
    this.showAt(id, message);
    return id;
  }

  private showAt(id: string, message: string): void {
    const err = this.element.querySelector<HTMLElement>(`[data-error-for="${id}"]`) ?? this.general;
    err.textContent = message;
    const input = this.f[id] ?? (id === 'topology' ? this.f['topology-0'] : undefined);
    input?.setAttribute('aria-invalid', 'true');
  }
}

/** Maps a JSON pointer from a core error to the id of the input it concerns. */
export function fieldForPath(path: string, schema: CoreSchema): string {
  const parts = path.split('/').slice(1);
  const [top, sub] = parts;
  const shown = (doc: 'model' | 'hardware'): boolean => sub !== undefined && editableFields(schema, doc, '').some((e) => e.field.key === sub);
  switch (top) {
    case 'model':
      return shown('model') ? `m-${sub}` : 'model-preset';
    case 'hardware':
      return shown('hardware') ? `hw-${sub}` : 'hw-preset';
    case 'topology':
      return 'topology';
    case 'chips':
    case 'phase':
    case 'batch':
    case 'input_tokens':
    case 'generate_tokens':
    case 'weights':
    case 'ffn_layout':
    case 'attention_sharding':
    case 'mode':
    case 'objective':
    case 'max_latency_per_token_s':
      return top;
    case 'max_latency_s':
      return 'max_latency_per_token_s';
    default:
      return 'form';
  }
}
