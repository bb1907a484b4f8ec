// Reading JSON (SECURITY.md: answers are read, never merged): the one boundary where the worker's text becomes a core answer
// (readAnswer/readResult check the envelope, then give the answer as declared in core-results.ts),
// and checked field readers for JSON the page does not have a declaration for (presets, scenario
// texts). Nothing from a response is spread or merged into page objects.

import type { Envelope } from './core-results.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export class ResponseShapeError extends Error {}

export function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(o: Record<string, unknown>, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

export function obj(o: unknown, k: string): Record<string, unknown> {
  const v = isObject(o) ? own(o, k) : undefined;
  if (!isObject(v)) throw new ResponseShapeError(`expected an object at "${k}"`);
  return v;
}

export function optObj(o: unknown, k: string): Record<string, unknown> | undefined {
  const v = isObject(o) ? own(o, k) : undefined;
  return isObject(v) ? v : undefined;
}

export function num(o: unknown, k: string): number {
  const v = isObject(o) ? own(o, k) : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ResponseShapeError(`expected a number at "${k}"`);
  return v;
}

export function optNum(o: unknown, k: string): number | undefined {
  const v = isObject(o) ? own(o, k) : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(o: unknown, k: string): string {
  const v = isObject(o) ? own(o, k) : undefined;
  if (typeof v !== 'string') throw new ResponseShapeError(`expected text at "${k}"`);
  return v;
}

export function optStr(o: unknown, k: string): string | undefined {
  const v = isObject(o) ? own(o, k) : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function optBool(o: unknown, k: string): boolean | undefined {
  const v = isObject(o) ? own(o, k) : undefined;
  return typeof v === 'boolean' ? v : undefined;
}

export function arr(o: unknown, k: string): unknown[] {
  const v = isObject(o) ? own(o, k) : undefined;
  return Array.isArray(v) ? v : [];
}

export function field(o: unknown, k: string): unknown {
  return isObject(o) ? own(o, k) : undefined;
}

/** The result schema version this page reads: core/include/esti/api.h kResultSchemaVersion. An
 *  answer of another version is refused here, before any view reads it. */
export const RESULT_SCHEMA_VERSION = 1;

/** A core answer: the parsed object, or the core's structured error. */
export interface CoreError {
  code: string;
  path: string;
  message: string;
}

export type CoreAnswer<T = Record<string, unknown>> = { ok: true; value: T } | { ok: false; error: CoreError };

const badResponse = (message: string): { ok: false; error: CoreError } => ({ ok: false, error: { code: 'bad_response', path: '', message } });

/** The one checked boundary between the worker's text and the page: the envelope ("ok",
 *  "schema_version", an error answer's "error") is checked here; the rest is the core's answer. */
export function readAnswer(text: string): CoreAnswer {
  let v: unknown;
  try {
    v = parseJson(text);
  } catch {
    return badResponse('the engine returned malformed JSON');
  }
  if (!isObject(v)) return badResponse('the engine returned no object');
  const version = own(v, 'schema_version');
  if (version !== RESULT_SCHEMA_VERSION) {
    return badResponse(
      `the engine answered with result schema_version ${JSON.stringify(version) ?? 'missing'}; this page reads version ${RESULT_SCHEMA_VERSION}`,
    );
  }
  if (own(v, 'ok') === true) return { ok: true, value: v };
  const e = optObj(v, 'error');
  return {
    ok: false,
    error: {
      code: optStr(e, 'code') ?? 'error',
      path: optStr(e, 'path') ?? '',
      message: optStr(e, 'message') ?? 'the engine reported an error',
    },
  };
}

/** A checked answer (readAnswer() said ok) typed as the answer of the core function that produced
 *  it: T is its declaration in core-results.ts, held to real answers by
 *  tests/node/core-results.test.mjs. */
export function answerAs<T extends Envelope>(a: { ok: true; value: Record<string, unknown> }): T {
  return a.value as unknown as T;
}

/** readAnswer() typed as the answer of the core function that produced the text. */
export function readResult<T extends Envelope>(text: string): CoreAnswer<T> {
  const a = readAnswer(text);
  return a.ok ? { ok: true, value: answerAs<T>(a) } : a;
}
