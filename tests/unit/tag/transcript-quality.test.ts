// Answers in real transcripts (../shared/corpus/transcripts): tagged with the interviewer's question
// before them as context, they must stay above a floor a little below the measured figures (README:
// Interview context) and beat tagging the answers alone.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { evaluate } from '../../../lib/tag/eval.js';
import { compileTagger } from '../../../lib/tag/index.js';
import { loadTranscriptGold } from '../../../lib/tag/transcript-eval.js';
import { describeShared, sharedPath } from '../../helpers/shared.js';

describeShared('tagging answers in transcripts with the interviewer question as context', () => {
  it('zoetermeer-2021: context lifts hit@1 and hit@3 above their floors and above no context', async () => {
    const cb = parseCodebook(readFileSync(sharedPath('corpus/codebooks/zoetermeer-2021.yaml'), 'utf8'), 'zoetermeer-2021.yaml');
    const { items, skipped } = await loadTranscriptGold(sharedPath('corpus/transcripts/zoetermeer-2021/index.jsonl'));
    expect(skipped).toEqual([]);
    expect(items.length).toBeGreaterThanOrEqual(20);
    expect(items.every((i) => i.context !== undefined)).toBe(true);
    const tagger = compileTagger(cb);
    const without = evaluate(items, (t) => tagger.tag(t), 3);
    const withContext = evaluate(items, (t, item) => tagger.tag(t, { context: item.context }), 3);
    expect(withContext.hitAt1).toBeGreaterThanOrEqual(0.9);
    expect(withContext.hitAtK).toBeGreaterThanOrEqual(0.9);
    expect(withContext.meanProposals).toBeLessThanOrEqual(3);
    expect(withContext.hitAt1).toBeGreaterThan(without.hitAt1);
    expect(withContext.hitAtK).toBeGreaterThan(without.hitAtK);
  });
});
