// Shareable links: `#v=1&s=<scenario>[&b=<second scenario>][&view=<tab>][&hw=<chip ids>]`.
// <scenario> is base64url(deflate-raw(canonical scenario JSON)). Encoding happens here (the
// browser's CompressionStream); decoding, the untrusted direction, happens in the core
// (api::DecodeLink, core/include/esti/io/share_link.h), reached through the worker: its DEFLATE
// decoder caps the output while inflating, and the same C++ path is fuzzed (fuzz/). The page never
// interprets the JSON itself: the decoded text goes to the core again, which validates it and
// answers with a canonical echo. `hw` lists, comma-separated, the hardware presets the Frontiers
// view compares the scenario's chip with (core/include/esti/io/share_link.h checks their form).

import { field, optBool, optObj, optStr } from './json.ts';

export const LINK_VERSION = 1;

export type LinkErrorCode = 'link_too_large' | 'link_version' | 'link_corrupt';

export interface LinkState {
  /** Scenario JSON text (to be validated by the core). */
  s: string;
  /** Optional second scenario for the comparison view. */
  b?: string;
  /** Optional view name; checked against the page's list of views by the caller. */
  view?: string;
  /** Optional hardware preset ids the Frontiers view compares with (checked by the caller). */
  hw?: string[];
}

export type DecodeResult = { ok: true; empty: true } | { ok: true; empty: false; state: LinkState } | { ok: false; code: LinkErrorCode; message: string };

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function deflate(text: string): Promise<Uint8Array> {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function encodeScenario(json: string): Promise<string> {
  return toBase64Url(await deflate(json));
}

/** Builds the fragment (with its leading '#') for a state. */
export async function encodeLink(state: LinkState): Promise<string> {
  let out = `#v=${LINK_VERSION}&s=${await encodeScenario(state.s)}`;
  if (state.b !== undefined) out += `&b=${await encodeScenario(state.b)}`;
  if (state.view !== undefined) out += `&view=${state.view}`;
  if (state.hw !== undefined && state.hw.length > 0) out += `&hw=${state.hw.join(',')}`;
  return out;
}

/** Asks the core to decode a fragment: resolves with api::DecodeLink's JSON answer. */
export type LinkDecoder = (fragment: string) => Promise<string>;

/** The core's error codes mapped onto the three kinds the page distinguishes. */
function linkErrorCode(coreCode: string): LinkErrorCode {
  if (coreCode === 'too_large') return 'link_too_large';
  if (coreCode === 'unsupported_version') return 'link_version';
  return 'link_corrupt';
}

/**
 * Decodes a fragment (with or without its leading '#') through the core. Never throws. An empty
 * fragment is `{ok: true, empty: true}` (the page then shows its defaults).
 */
export async function decodeLink(fragment: string, decodeInCore: LinkDecoder): Promise<DecodeResult> {
  let answer: unknown;
  try {
    answer = JSON.parse(await decodeInCore(String(fragment))) as unknown;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, code: 'link_corrupt', message: `the link could not be read (${detail})` };
  }
  if (optBool(answer, 'ok') !== true) {
    const error = optObj(answer, 'error');
    return {
      ok: false,
      code: linkErrorCode(optStr(error, 'code') ?? ''),
      message: optStr(error, 'message') ?? 'the link could not be read',
    };
  }
  if (optBool(answer, 'empty') === true) return { ok: true, empty: true };
  const s = optStr(answer, 'scenario');
  if (s === undefined) return { ok: false, code: 'link_corrupt', message: 'the link could not be read' };
  const state: LinkState = { s };
  const b = optStr(answer, 'second_scenario');
  if (b !== undefined) state.b = b;
  const view = optStr(answer, 'view');
  if (view !== undefined) state.view = view;
  const hw = field(answer, 'compare_hardware');
  if (Array.isArray(hw)) state.hw = hw.filter((x): x is string => typeof x === 'string');
  return { ok: true, empty: false, state };
}
