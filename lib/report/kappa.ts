// Cohen's κ for one binary judgement (code present or not) by two raters over the same units.

export interface Table2x2 {
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
}

export interface Kappa extends Table2x2 {
  units: number;
  /** Observed agreement p_o; null without units. */
  agreement: number | null;
  /** (p_o − p_e) / (1 − p_e); null when undefined: no units, or p_e = 1 (both raters gave one constant answer). */
  kappa: number | null;
}

export function tally(pairs: Iterable<readonly [boolean, boolean]>): Table2x2 {
  const t: Table2x2 = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
  for (const [a, b] of pairs) {
    if (a && b) t.both++;
    else if (a) t.onlyA++;
    else if (b) t.onlyB++;
    else t.neither++;
  }
  return t;
}

export function cohensKappa(t: Table2x2): Kappa {
  const n = t.both + t.onlyA + t.onlyB + t.neither;
  if (n === 0) return { ...t, units: 0, agreement: null, kappa: null };
  const po = (t.both + t.neither) / n;
  const pA = (t.both + t.onlyA) / n;
  const pB = (t.both + t.onlyB) / n;
  const pe = pA * pB + (1 - pA) * (1 - pB);
  const kappa = pe >= 1 - 1e-12 ? null : (po - pe) / (1 - pe);
  return { ...t, units: n, agreement: round(po), kappa: kappa === null ? null : round(kappa) };
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
