// Formatting for people (the only place units change). Numbers are shown with 4 significant
// digits; the exact value the core returned is kept in the element's data-value attribute.

export type Unit = 'count' | 'bytes' | 's' | 'fraction' | 'chip_s' | 'tokens_per_s' | 'flops_per_s' | 'bytes_per_s' | 'int' | 'usd';

function sig(x: number, digits = 4): string {
  if (x === 0) return '0';
  const r = Number(x.toPrecision(digits)); // round first: 999.96 -> 1000, not "1000.0"
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(r))));
  return r.toFixed(Math.min(decimals, 12));
}

function scaled(x: number, steps: [number, string][], unit: string): string {
  const a = Math.abs(x);
  for (const [f, p] of steps) {
    if (a >= f) {
      const s = sig(x / f);
      return `${s} ${p}${unit}`.trimEnd();
    }
  }
  const [f, p] = steps[steps.length - 1]!;
  return `${sig(x / f)} ${p}${unit}`.trimEnd();
}

const DEC: [number, string][] = [
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
];
const COUNT: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
  [1, ''],
];
const BIN: [number, string][] = [
  [2 ** 50, 'Pi'],
  [2 ** 40, 'Ti'],
  [2 ** 30, 'Gi'],
  [2 ** 20, 'Mi'],
  [2 ** 10, 'Ki'],
  [1, ''],
];
const TIME: [number, string][] = [
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
];

export function format(x: number, unit: Unit): string {
  if (!Number.isFinite(x)) return '—';
  switch (unit) {
    case 'count':
      return scaled(x, COUNT, '');
    case 'int':
      return Math.round(x).toLocaleString('en-US');
    case 'bytes':
      return scaled(x, BIN, 'B');
    case 's':
      return x >= 1000 ? `${sig(x)} s` : scaled(x, TIME, 's');
    case 'fraction':
      return `${sig(x * 100, 3)} %`;
    case 'chip_s':
      return x >= 1000 ? `${sig(x)} chip·s` : scaled(x, TIME, 'chip·s');
    case 'tokens_per_s':
      return `${scaled(x, DEC, '')} tok/s`;
    case 'flops_per_s':
      return scaled(x, DEC, 'FLOP/s');
    case 'bytes_per_s':
      return scaled(x, DEC, 'B/s');
    case 'usd':
      return `$${sig(x)}`;
  }
}
