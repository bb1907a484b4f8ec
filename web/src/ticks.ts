/** Tick values for a log axis over [lo, hi] (both > 0): the powers of ten inside it when there
 *  are at least two, else the 1-2-5 multiples, else every integer multiple of each decade. Only a
 *  range narrower than that gets its two ends, so an axis never labels a padded end such as
 *  "99.3 %" when round values fit. */
export function logTicks(lo: number, hi: number): number[] {
  for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of mantissas) {
        const v = m * 10 ** e;
        if (v >= lo / 1.0001 && v <= hi * 1.0001) out.push(v);
      }
    }
    if (out.length >= 2) return out;
  }
  return [lo, hi];
}
