// A codebook written back as YAML in the loader's own shape (lib/codebook/yaml.ts), so a codebook made in
// code (e.g. with learnt rule terms added) goes through the same loader as an uploaded file and can be
// downloaded and edited again. Loading the output gives the same codebook and the same version.
import { stringify } from 'yaml';
import type { Codebook } from '../model.js';

export function codebookToYaml(cb: Codebook): string {
  const doc = {
    id: cb.id,
    ...(cb.title !== undefined ? { title: cb.title } : {}),
    language: cb.language,
    categories: cb.categories.map((cat) => ({
      id: cat.id,
      name: cat.name,
      ...(cat.definition !== undefined ? { definition: cat.definition } : {}),
      codes: cat.codes.map((c) => ({
        id: c.id,
        name: c.name,
        ...(c.definition !== undefined ? { definition: c.definition } : {}),
        ...(c.indicators.length ? { indicators: c.indicators } : {}),
        ...(c.questions.length ? { questions: c.questions } : {}),
        ...(c.aliases.length ? { aliases: c.aliases } : {}),
        ...(c.rules.length ? { rules: c.rules } : {}),
        ...(c.exclude.length ? { exclude: c.exclude } : {}),
        ...(c.examples.length ? { examples: c.examples.map((e) => (e.note === undefined ? e.text : { text: e.text, note: e.note })) } : {}),
        ...(c.color !== undefined ? { color: c.color } : {}),
      })),
    })),
  };
  return stringify(doc, { lineWidth: 0 });
}
