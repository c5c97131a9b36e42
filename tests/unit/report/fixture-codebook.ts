// The small codebook the report tests share: two categories, three codes.
import type { Code, Codebook } from '../../../lib/model.js';

const code = (id: string, categoryId: string): Code => ({
  id,
  name: id.toUpperCase(),
  categoryId,
  indicators: [],
  questions: [],
  aliases: [],
  rules: [],
  exclude: [],
  examples: [],
});

export const codebook: Codebook = {
  id: 'cb',
  language: 'nl',
  version: 'v1',
  categories: [
    { id: 'a', name: 'Cat A', codes: [code('a/x', 'a'), code('a/y', 'a')] },
    { id: 'b', name: 'Cat B', codes: [code('b/z', 'b')] },
  ],
};
