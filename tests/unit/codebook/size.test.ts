// A codebook too big to store (one DynamoDB item) is refused before storing, naming the field.
import { describe, expect, it } from 'vitest';
import { assertCodebookFits, loadCodebook, MAX_STORED_CODEBOOK_BYTES } from '../../../lib/codebook/index.js';
import { isQualtagError } from '../../../lib/errors.js';

function yaml(codes: number): string {
  const lines = ['id: big', 'title: Big', 'language: nl', 'categories:', '  - id: c', '    name: Categorie', '    codes:'];
  for (let i = 0; i < codes; i++)
    lines.push(`      - id: c/code-${i}`, `        name: Code nummer ${i} over samenwerking`, '        rules:', `          - samenwerk* AND partner${i}`);
  return `${lines.join('\n')}\n`;
}

describe('codebook size limit', () => {
  it('lets a 500-code codebook through and refuses a 3,000-code one with a 413-class error on body.content', () => {
    const small = yaml(500);
    expect(() => assertCodebookFits(loadCodebook(small, 'small.yaml').codebook, small)).not.toThrow();
    const big = yaml(3000);
    let error: unknown;
    try {
      assertCodebookFits(loadCodebook(big, 'big.yaml').codebook, big);
    } catch (e) {
      error = e;
    }
    expect(isQualtagError(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'TOO_LARGE', where: 'body.content' });
    expect((error as Error).message).toContain(`at most ${MAX_STORED_CODEBOOK_BYTES / 1000} KB`);
  });
});
