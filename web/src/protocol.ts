// Messages between the page and the worker that owns the wasm module. Every core function takes
// JSON text and returns JSON text, so the protocol carries strings only: no structured data from a
// link or from the core is ever merged into page objects on the way.
import { field } from './json.ts';

/** The core functions the page may call (names as exported by wasm/bindings.cpp). */
export const CORE_FUNCTIONS = [
  'engineVersion',
  'listPresets',
  'schema',
  'getPreset',
  'describeModel',
  'modelFromHf',
  'evaluate',
  'search',
  'frontier',
  'maxContext',
  'calibrate',
  'reproduce',
  'decode',
  'decodeLink',
] as const;
export type CoreFunction = (typeof CORE_FUNCTIONS)[number];

export interface CallRequest {
  id: number;
  fn: CoreFunction;
  arg: string;
}

export type WorkerMessage =
  | { type: 'ready'; engine_version: string; functions: CoreFunction[] }
  | { type: 'load-error'; message: string }
  | { type: 'result'; id: number; text: string; elapsed_ms: number }
  | { type: 'call-error'; id: number; message: string };

/** The functions called without an argument: nothing of the page's is copied into the module. */
export const NO_ARGUMENT_FUNCTIONS: ReadonlySet<CoreFunction> = new Set<CoreFunction>(['engineVersion', 'listPresets', 'schema']);

/**
 * The largest argument the core reads, from its own schema (api::Schema "limits",
 * core/src/api/schema_api.cpp), never a copy of its numbers. Embind copies an argument into the
 * wasm heap before esti's code can check its size, and an argument larger than the free heap is
 * written from address 0 (SECURITY.md), so the worker refuses a larger one before the call.
 */
export interface ArgumentLimits {
  /** Largest JSON request, in UTF-8 bytes (limits.json_bytes: io::ParseLimits::max_bytes). */
  json_bytes: number;
  /** Longest share-link fragment, in UTF-8 bytes (limits.share_link_chars: io::kMaxShareLinkChars). */
  share_link_chars: number;
  /** The version of the core's answers (the schema answer's own), for refusals in their shape. */
  schema_version: number;
}

/** Reads the argument limits from the core's schema answer; throws if one is missing, so that an
 *  engine build without them is not used unguarded. */
export function readArgumentLimits(schemaText: string): ArgumentLimits {
  const schema: unknown = JSON.parse(schemaText);
  const count = (v: unknown, name: string): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new Error(`the engine's schema has no ${name}`);
    return v;
  };
  const limits = field(schema, 'limits');
  return {
    json_bytes: count(field(limits, 'json_bytes'), 'limits.json_bytes'),
    share_link_chars: count(field(limits, 'share_link_chars'), 'limits.share_link_chars'),
    schema_version: count(field(schema, 'schema_version'), 'schema_version'),
  };
}

/**
 * True if `s` takes more than `limit` bytes as the UTF-8 that Embind writes for a std::string
 * argument (counted as the module's lengthBytesUTF8 counts: a surrogate, paired or not, with the
 * unit after it is 4 bytes). Stops counting past the limit, so a huge string costs no more than a
 * string at the limit.
 */
export function utf8LongerThan(s: string, limit: number): boolean {
  if (s.length > limit) return true; // every UTF-16 unit is at least one byte
  let bytes = 0;
  for (let i = 0; i < s.length; ++i) {
    const u = s.charCodeAt(i);
    if (u <= 0x7f) bytes += 1;
    else if (u <= 0x7ff) bytes += 2;
    else if (u >= 0xd800 && u <= 0xdfff) {
      bytes += 4;
      ++i;
    } else bytes += 3;
    if (bytes > limit) return true;
  }
  return false;
}

/** An error answer in the core's shape (core/src/api/respond.h), key order included. */
function errorAnswer(limits: ArgumentLimits, code: string, message: string): string {
  return JSON.stringify({ error: { code, message, path: '' }, ok: false, schema_version: limits.schema_version });
}

/**
 * The worker's answer to a call whose argument the module must not be given, or null if the
 * argument may be passed: not text (Embind would also take a byte array, of any size) is a
 * type_error; over the core's limit for that function is too_large, at the path the core gives the
 * same input (the whole argument, "").
 */
export function refuseArgument(fn: CoreFunction, arg: unknown, limits: ArgumentLimits): string | null {
  if (NO_ARGUMENT_FUNCTIONS.has(fn)) return null;
  if (typeof arg !== 'string') return errorAnswer(limits, 'type_error', `the argument of ${fn} must be text, not ${typeof arg}`);
  if (fn === 'decodeLink') {
    // The core calls a link's bytes characters (a fragment is ASCII once percent-encoded).
    const limit = limits.share_link_chars;
    if (utf8LongerThan(arg, limit))
      return errorAnswer(limits, 'too_large', `the link is more than ${limit} characters long; links up to ${limit} are accepted (limits.share_link_chars)`);
  } else if (utf8LongerThan(arg, limits.json_bytes)) {
    return errorAnswer(limits, 'too_large', `the request is more than ${limits.json_bytes} bytes; the limit is ${limits.json_bytes} (limits.json_bytes)`);
  }
  return null;
}
