// A segment's text (or part of it) with evidence marks, built from text nodes only.
import { h } from './dom.js';
import { toRuns, type Span } from './highlight.js';

export function markedText(text: string, spans: Span[], className = 'body'): HTMLElement {
  const el = h('div', { class: className });
  for (const run of toRuns(text, spans)) {
    if (run.keys.length === 0) el.append(document.createTextNode(run.text));
    else el.append(h('mark', run.learned ? { class: 'learned', attrs: { title: 'a word the model learned' } } : null, run.text));
  }
  return el;
}
