// Tiny DOM builder. Text only ever goes through textContent (SECURITY.md: no HTML sink): there is no
// HTML sink anywhere in web/src.
import { format, type Unit } from './format.ts';

type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  setAttrs(e, attrs);
  append(e, children);
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  setAttrs(e, attrs);
  append(e, children);
  return e;
}

function setAttrs(e: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on')) throw new Error('event handlers are attached with addEventListener');
    e.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(e: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function clear(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}

/** A number as the core returned it: formatted text, exact value in data-value. */
export function numberEl(value: number, unit: Unit, testId?: string): HTMLElement {
  return h('span', { class: 'num', 'data-value': String(value), 'data-unit': unit, 'data-testid': testId }, format(value, unit));
}

export function byId<T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document): T {
  const e = root.querySelector<HTMLElement>(`#${CSS.escape(id)}`);
  if (!e) throw new Error(`missing #${id}`);
  return e as T;
}
