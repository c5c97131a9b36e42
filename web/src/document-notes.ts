// Notes (memos) an imported REFI-QDA project brought with it, shown above a document in the review view:
// on the document, and on its codings (with the code and the coded words). Hidden when there are none.
import type { DocumentDetail, DocumentNote } from '../../lib/api/contract.js';
import { h, replaceChildren } from './dom.js';
import { api } from './api.js';

export function documentNotes(projectId: string, detail: DocumentDetail): HTMLElement {
  const box = h('details', { class: 'document-notes', attrs: { 'data-testid': 'document-notes' } });
  box.hidden = true;
  const codings = new Map(detail.segments.flatMap((s) => s.codings.map((c) => [c.id, { c, s }] as const)));
  void api
    .documentNotes({ projectId, documentId: detail.document.id })
    .then(({ items }) => {
      if (!items.length) return;
      const item = (n: DocumentNote) => {
        const on = n.codingId ? codings.get(n.codingId) : undefined;
        const where = on
          ? `on ${on.c.code}, segment ${on.s.index + 1}: “${on.s.text.slice(on.c.span?.start ?? 0, on.c.span?.end ?? 80).slice(0, 80)}”`
          : n.codingId
            ? 'on a coding'
            : 'on the document';
        const who = [n.user, n.at?.slice(0, 10)].filter(Boolean).join(', ');
        return h('li', null, h('div', { class: 'muted small' }, [n.name, where, who].filter(Boolean).join(' · ')), h('div', { class: 'note-text' }, n.text));
      };
      replaceChildren(box, h('summary', null, `Notes from the imported project (${items.length})`), h('ul', null, items.map(item)));
      box.hidden = false;
    })
    .catch(() => undefined); // notes are extra: the review works without them
  return box;
}
