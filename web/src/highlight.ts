// Splits a text into runs so that overlapping highlighted spans (evidence of several codes, the
// reviewer's selection) can be rendered as nested-free <mark> runs, each knowing every span over it.

export interface Span {
  start: number;
  end: number;
  /** Identifies what the span belongs to (e.g. a code id). */
  key: string;
  /** A word the learned ranker weighed (drawn apart from rule matches). */
  learned?: boolean;
}

export interface Run {
  start: number;
  end: number;
  text: string;
  keys: string[];
  /** Every span over the run is learned evidence (no rule match, selection or coded span). */
  learned: boolean;
}

export function toRuns(text: string, spans: readonly Span[]): Run[] {
  const clipped = spans
    .map((s) => ({
      start: Math.max(0, Math.min(s.start, text.length)),
      end: Math.max(0, Math.min(s.end, text.length)),
      key: s.key,
      learned: s.learned === true,
    }))
    .filter((s) => s.end > s.start);
  const cuts = new Set<number>([0, text.length]);
  for (const s of clipped) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const runs: Run[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    if (end <= start) continue;
    const over = clipped.filter((s) => s.start <= start && s.end >= end);
    const keys = [...new Set(over.map((s) => s.key))];
    runs.push({ start, end, text: text.slice(start, end), keys, learned: over.length > 0 && over.every((s) => s.learned) });
  }
  if (runs.length === 0) runs.push({ start: 0, end: 0, text: '', keys: [], learned: false });
  return runs;
}

/** A stable hue (0–359) per key so a code keeps its colour across views. */
export function hueFor(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return h % 360;
}
