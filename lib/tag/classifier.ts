// A naive Bayes classifier of codes, trained on reviewed passages (the codes reviewers accepted or
// added), for filling the top-k slots the rules leave empty (TagOptions.fill). Measured on the gold
// corpus: blended into the rule scores it does not help, filling empty slots it does (README,
// "Learning from reviewed decisions"). natural is imported deep: its index pulls in 60 MB and dotenv.
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { allCodes } from '../codebook/index.js';
import type { Codebook } from '../model.js';
import { isStopword, stem } from './language.js';
import type { ReviewedExample } from './learn.js';
import { tokenize } from './normalize.js';

export interface CodeClassifier {
  /** Reviewed passages it was trained on (with at least one accepted code of the codebook). */
  readonly passages: number;
  /** Codes it learnt (those with at least one accepted passage). */
  readonly codes: number;
  /**
   * The learnt codes for a text, most probable first (ties by code id), probabilities summing to 1.
   * A text without any learnt word gets the codes by how often they were accepted. Empty when the
   * probabilities underflow (natural multiplies them out: a text with some hundreds of learnt words).
   */
  rank(text: string): Array<{ code: string; probability: number }>;
}

/** Too little to learn from below this: at least MIN_CODES codes with MIN_PASSAGES accepted passages each. */
export const CLASSIFIER_MIN = { codes: 2, passages: 2 } as const;

export interface ClassifierOptions {
  /** Override CLASSIFIER_MIN (tests, experiments). */
  minCodes?: number;
  minPassages?: number;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Trains the classifier on the accepted codes of reviewed passages (rejected codes are not used: the
 * classifier learns what a code looks like, not what it does not). Passages with the same id are one
 * passage; codes not in the codebook are ignored. Returns null when there is too little to learn from
 * (CLASSIFIER_MIN). The same examples in any order give the same classifier.
 */
export function trainCodeClassifier(cb: Codebook, examples: readonly ReviewedExample[], opts: ClassifierOptions = {}): CodeClassifier | null {
  const known = new Set(allCodes(cb).map((c) => c.id));
  const byId = new Map<string, { text: string; codes: Set<string> }>();
  for (const e of examples) {
    let p = byId.get(e.id);
    if (!p) byId.set(e.id, (p = { text: e.text, codes: new Set() }));
    for (const c of e.accepted) if (known.has(c)) p.codes.add(c);
  }
  const lang = cb.language;
  const features = (text: string): string[] =>
    tokenize(text)
      .map((w) => w.folded)
      .filter((w) => w.length > 2 && !isStopword(w, lang))
      .map((w) => stem(w, lang));
  // Training order fixes natural's label order (its ties): sort by id so input order does not matter.
  const passages = [...byId].filter(([, p]) => p.codes.size && features(p.text).length).sort(([a], [b]) => cmp(a, b));
  const perCode = new Map<string, number>();
  for (const [, p] of passages) for (const c of p.codes) perCode.set(c, (perCode.get(c) ?? 0) + 1);
  const enough = [...perCode.values()].filter((n) => n >= (opts.minPassages ?? CLASSIFIER_MIN.passages)).length;
  if (enough < (opts.minCodes ?? CLASSIFIER_MIN.codes)) return null;

  const bayes = new BayesClassifier({ tokenizeAndStem: features });
  for (const [, p] of passages) for (const c of [...p.codes].sort(cmp)) bayes.addDocument(p.text, c);
  bayes.train();
  return {
    passages: passages.length,
    codes: perCode.size,
    rank(text: string) {
      const raw = bayes.getClassifications(text).filter((c) => known.has(c.label) && Number.isFinite(c.value) && c.value > 0);
      const sum = raw.reduce((s, c) => s + c.value, 0);
      if (!(sum > 0)) return [];
      return raw
        .map((c) => ({ code: c.label, probability: c.value / sum }))
        .sort((a, b) => b.probability - a.probability || cmp(a.code, b.code));
    },
  };
}
