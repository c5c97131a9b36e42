import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../lib/codebook/index.js';
import { codebookToYaml } from '../../../lib/codebook/to-yaml.js';
import { projectRoot } from '../../helpers/shared.js';

describe('codebookToYaml', () => {
  it('writes a codebook the loader reads back to the same codebook and version', () => {
    const text = readFileSync(path.join(projectRoot, 'examples', 'codebook.yaml'), 'utf8');
    const cb = parseCodebook(text, 'codebook.yaml');
    const again = parseCodebook(codebookToYaml(cb), 'codebook.yaml');
    expect(again).toEqual(cb);
  });

  it('keeps ids, quotes and rule syntax that YAML would otherwise read differently', () => {
    const yaml = `id: "007"
language: en
categories:
  - id: "1"
    name: "Yes: no"
    definition: "# not a comment"
    codes:
      - id: "1/2"
        name: "true"
        rules: ['"exact phrase"^2', 'a AND NOT b', 'stem*']
        exclude: ['"x y"', 'zomer*']
        color: "#aabbcc"
`;
    const cb = parseCodebook(yaml, 'odd.yaml');
    const again = parseCodebook(codebookToYaml(cb), 'odd.yaml');
    expect(again).toEqual(cb);
    expect(again.categories[0]!.codes[0]!.rules).toEqual(['"exact phrase"^2', 'a AND NOT b', 'stem*']);
  });
});
