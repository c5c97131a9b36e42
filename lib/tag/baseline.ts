// The naive baseline the tagger is measured against: a code's score is the number of distinct
// content stems a segment shares with the code's indicators. Used by `qualtag eval --baseline`.
import type { Codebook, Proposal } from '../model.js';
import { isStopword, stem } from './language.js';
import { foldedWords } from './normalize.js';

export function bagOfStemsBaseline(cb: Codebook): (text: string) => Proposal[] {
  const stems = (text: string): Set<string> =>
    new Set(
      foldedWords(text)
        .filter((w) => !isStopword(w, cb.language))
        .map((w) => stem(w, cb.language)),
    );
  const codes = cb.categories.flatMap((c) => c.codes).map((c) => ({ id: c.id, stems: stems(c.indicators.join(' ')) }));
  return (text) => {
    const seg = stems(text);
    return codes
      .map((c) => ({ code: c.id, score: [...seg].filter((s) => c.stems.has(s)).length, evidence: [] }))
      .filter((p) => p.score > 0)
      .sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
  };
}
