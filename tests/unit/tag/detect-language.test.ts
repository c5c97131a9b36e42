// Which language segment texts read as, and the warning when a codebook's `language` differs (own fixtures).
import { describe, expect, it } from 'vitest';
import { detectLanguage, languageMismatch } from '../../../lib/tag/detect-language.js';

const dutch = [
  'Ik denk dat de samenwerking met de gemeente eigenlijk heel goed gaat, maar het kost wel veel tijd.',
  'We hebben elke week een overleg en dan bespreken we de zaken die spelen in de wijk.',
  'Als er iets is, dan bel ik de wijkagent. Die kent de mensen hier en weet wat er speelt.',
];
const english = [
  'I think the cooperation with the council is going quite well, but it takes a lot of time.',
  'We have a meeting every week and then we discuss the cases that come up in the neighbourhood.',
  'If there is a problem I call the community officer. He knows the people here and what is going on.',
];

describe('detectLanguage', () => {
  it('reads Dutch and English texts as such', () => {
    expect(detectLanguage(dutch).language).toBe('nl');
    expect(detectLanguage(english).language).toBe('en');
  });

  it('does not guess from a few words or an even mix', () => {
    expect(detectLanguage(['Goed contact.', 'Yes.']).language).toBeNull();
    expect(detectLanguage([...dutch, ...english]).language).toBeNull();
  });

  it('is not swayed by English loan words in Dutch speech', () => {
    expect(detectLanguage([...dutch, 'Dat was echt een game changer voor de community, een soort quick win.']).language).toBe('nl');
  });
});

describe('languageMismatch', () => {
  it('warns when the texts read as the other language, naming both and what to do', () => {
    const w = languageMismatch('nl', english);
    expect(w).toMatch(/codebook's language is Dutch \(nl\) but the texts read as English/);
    expect(w).toContain('`language: en`');
    expect(languageMismatch('en', dutch)).toMatch(/read as Dutch/);
  });

  it('is silent when they match or cannot be told', () => {
    expect(languageMismatch('nl', dutch)).toBeNull();
    expect(languageMismatch('en', english)).toBeNull();
    expect(languageMismatch('en', ['Ja.'])).toBeNull();
  });
});
