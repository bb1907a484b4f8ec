// Shareable links: `#v=1&s=<scenario>[&b=<second scenario>][&view=<tab>]`.
// <scenario> is base64url(deflate-raw(canonical scenario JSON)). The page never interprets the
// JSON itself: the decoded text goes to the core, which validates it and answers with a canonical
// echo (reliability.md T7/T9). Limits are checked before any decoding (F14: decompression bombs).

export const LINK_VERSION = 1;
/** Longest fragment accepted, checked before decoding anything. */
export const MAX_FRAGMENT_CHARS = 16 * 1024;
/** Largest decompressed scenario accepted (the core's own config cap is 64 KiB). */
export const MAX_SCENARIO_BYTES = 64 * 1024;

export type LinkErrorCode = 'link_too_large' | 'link_version' | 'link_corrupt';

export interface LinkState {
  /** Scenario JSON text (to be validated by the core). */
  s: string;
  /** Optional second scenario for the comparison view. */
  b?: string;
  /** Optional view name; checked against the page's list of views by the caller. */
  view?: string;
}

export type DecodeResult =
  | { ok: true; empty: true }
  | { ok: true; empty: false; state: LinkState }
  | { ok: false; code: LinkErrorCode; message: string };

const B64URL = /^[A-Za-z0-9_-]*$/;
const VIEW = /^[a-z][a-z0-9-]{0,31}$/;

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!B64URL.test(text) || text.length % 4 === 1) return null;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return null;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function deflate(text: string): Promise<Uint8Array> {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Inflates at most `limit` bytes; returns 'too-large' as soon as the output passes the limit. */
async function inflate(bytes: Uint8Array<ArrayBuffer>, limit: number): Promise<Uint8Array | 'too-large' | null> {
  const ds = new DecompressionStream('deflate-raw');
  const writer = ds.writable.getWriter();
  writer.write(bytes).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = ds.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return 'too-large';
      }
      chunks.push(value);
    }
  } catch {
    return null;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

async function encodeScenario(json: string): Promise<string> {
  return toBase64Url(await deflate(json));
}

async function decodeScenario(
  field: string,
  text: string,
): Promise<{ ok: true; json: string } | { ok: false; code: LinkErrorCode; message: string }> {
  const bytes = fromBase64Url(text);
  if (!bytes || bytes.length === 0) {
    return { ok: false, code: 'link_corrupt', message: `the link's "${field}" part is not valid base64url` };
  }
  const raw = await inflate(bytes, MAX_SCENARIO_BYTES);
  if (raw === 'too-large') {
    return {
      ok: false,
      code: 'link_too_large',
      message: `the link's "${field}" part expands to more than ${MAX_SCENARIO_BYTES / 1024} KiB`,
    };
  }
  if (!raw || raw.length === 0) {
    return { ok: false, code: 'link_corrupt', message: `the link's "${field}" part is not valid compressed data` };
  }
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return { ok: false, code: 'link_corrupt', message: `the link's "${field}" part is not valid UTF-8 text` };
  }
  return { ok: true, json };
}

/** Builds the fragment (with its leading '#') for a state. */
export async function encodeLink(state: LinkState): Promise<string> {
  let out = `#v=${LINK_VERSION}&s=${await encodeScenario(state.s)}`;
  if (state.b !== undefined) out += `&b=${await encodeScenario(state.b)}`;
  if (state.view !== undefined) out += `&view=${state.view}`;
  return out;
}

/**
 * Decodes a fragment (with or without its leading '#'). Never throws. An empty fragment is
 * `{ok: true, empty: true}` (the page then shows its defaults).
 */
export async function decodeLink(fragment: string): Promise<DecodeResult> {
  try {
    return await decodeLinkUnchecked(fragment);
  } catch {
    return { ok: false, code: 'link_corrupt', message: 'the link could not be read' };
  }
}

async function decodeLinkUnchecked(fragment: string): Promise<DecodeResult> {
  if (typeof fragment !== 'string') return { ok: false, code: 'link_corrupt', message: 'the link could not be read' };
  if (fragment.length > MAX_FRAGMENT_CHARS + 1) {
    return {
      ok: false,
      code: 'link_too_large',
      message: `the link is ${fragment.length} characters long; links up to ${MAX_FRAGMENT_CHARS} are accepted`,
    };
  }
  const body = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (body === '') return { ok: true, empty: true };
  const fields = new Map<string, string>();
  for (const part of body.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, code: 'link_corrupt', message: `the link has a malformed part "${part.slice(0, 40)}"` };
    const key = part.slice(0, eq);
    if (key !== 'v' && key !== 's' && key !== 'b' && key !== 'view') {
      return { ok: false, code: 'link_corrupt', message: `the link has an unknown part "${key.slice(0, 40)}"` };
    }
    if (fields.has(key)) return { ok: false, code: 'link_corrupt', message: `the link repeats "${key}"` };
    fields.set(key, part.slice(eq + 1));
  }
  const v = fields.get('v');
  if (v === undefined) return { ok: false, code: 'link_corrupt', message: 'the link has no version ("v=")' };
  if (!/^[0-9]{1,9}$/.test(v) || Number(v) < 1) {
    return { ok: false, code: 'link_corrupt', message: `the link version "${v.slice(0, 20)}" is not a positive integer` };
  }
  if (Number(v) > LINK_VERSION) {
    return {
      ok: false,
      code: 'link_version',
      message: `the link was made by a newer esti (link version ${Number(v)}; this page reads up to ${LINK_VERSION})`,
    };
  }
  const s = fields.get('s');
  if (s === undefined) return { ok: false, code: 'link_corrupt', message: 'the link has no scenario ("s=")' };
  const state: LinkState = { s: '' };
  const ds = await decodeScenario('s', s);
  if (!ds.ok) return ds;
  state.s = ds.json;
  const b = fields.get('b');
  if (b !== undefined) {
    const db = await decodeScenario('b', b);
    if (!db.ok) return db;
    state.b = db.json;
  }
  const view = fields.get('view');
  if (view !== undefined) {
    if (!VIEW.test(view)) return { ok: false, code: 'link_corrupt', message: 'the link names a malformed view' };
    state.view = view;
  }
  return { ok: true, empty: false, state };
}
