// The respondent-coverage scale researchers report with: the share of respondents who hold a view.
import type { ShareLabel } from './schemas.js';

export interface ShareThresholds {
  /** "hoge mate" at or above this share (default 2/3). */
  high: number;
  /** "redelijke mate" at or above this share (default 1/3); anything above 0 is "lage mate". */
  moderate: number;
}

export const defaultThresholds: ShareThresholds = { high: 2 / 3, moderate: 1 / 3 };

/** Label for `count` of `total` respondents; compared on counts so 2 of 3 is exactly 2/3. */
export function shareLabel(count: number, total: number, t: ShareThresholds = defaultThresholds): ShareLabel {
  if (total <= 0 || count <= 0) return 'niet van toepassing';
  const eps = 1e-9;
  if (count + eps >= t.high * total) return 'hoge mate';
  if (count + eps >= t.moderate * total) return 'redelijke mate';
  return 'lage mate';
}
