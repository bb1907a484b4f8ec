// The model card: parameter breakdown and memory figures, all as returned by describeModel().
import { h, numberEl } from './dom.ts';
import type { Unit } from './format.ts';
import type { DescribeModelAnswer } from './core-results.ts';
import type { ModelDocument } from './core-types.ts';

const PARAM_ROWS: [key: keyof DescribeModelAnswer['params'], label: string][] = [
  ['embedding', 'Embedding'],
  ['attention_q', 'Attention Q'],
  ['attention_kv', 'Attention K and V'],
  ['attention_o', 'Attention output'],
  ['attention', 'Attention (total)'],
  ['ffn', 'Feed-forward'],
  ['norm_scales', 'Norm scales'],
  ['non_embedding', 'Non-embedding'],
  ['total_params', 'Total'],
];

const SHAPE_ROWS: [key: keyof ModelDocument & ('n_layers' | 'd_model' | 'd_ff' | 'n_heads' | 'n_kv_heads' | 'd_head' | 'vocab_size'), label: string][] = [
  ['n_layers', 'Layers'],
  ['d_model', 'd_model'],
  ['d_ff', 'd_ff'],
  ['n_heads', 'Query heads'],
  ['n_kv_heads', 'K/V heads'],
  ['d_head', 'd_head'],
  ['vocab_size', 'Vocabulary'],
];

function row(label: string, value: number, unit: Unit, testId: string): HTMLTableRowElement {
  return h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, numberEl(value, unit, testId)));
}

/** Renders the describeModel() answer. */
export function renderModel(d: DescribeModelAnswer): HTMLElement {
  const model = d.model;
  const params = d.params;
  const weight = d.weight_bytes;
  const name = model.name ?? model.id ?? 'custom model';

  const shape = h(
    'table',
    { class: 'kv', 'data-testid': 'model-shape' },
    h('caption', {}, 'Shape'),
    ...SHAPE_ROWS.flatMap(([k, label]) => {
      const v = model[k];
      return v === undefined ? [] : [row(label, v, 'int', `model-${k}`)];
    }),
  );
  const extra = [model.block_type, model.ffn_type].filter(Boolean).join(' block, ');
  const pt = h(
    'table',
    { class: 'kv', 'data-testid': 'params' },
    h('caption', {}, 'Parameters'),
    ...PARAM_ROWS.filter(([k]) => params[k] !== undefined).map(([k, label]) => row(label, params[k], 'count', `params-${k}`)),
  );
  const mem = h(
    'table',
    { class: 'kv', 'data-testid': 'memory' },
    h('caption', {}, 'Memory'),
    row('Weights, bf16', weight.bf16, 'bytes', 'weight_bytes-bf16'),
    row('Weights, int8', weight.int8, 'bytes', 'weight_bytes-int8'),
    row('KV cache per token', d.kv_bytes_per_token, 'bytes', 'kv_bytes_per_token'),
  );
  return h(
    'section',
    { class: 'card model-card', 'aria-labelledby': 'model-card-title' },
    h('h2', { id: 'model-card-title' }, name),
    extra ? h('p', { class: 'muted' }, `${extra} feed-forward`) : null,
    h('div', { class: 'tables' }, shape, pt, mem),
  );
}
