// "Delete" on a document row: asks once more on the button itself (the deletion cannot be undone), then
// removes the document with its segments and codings; the audit trail records it.
import { api, type DocumentSummary } from './api.js';
import { h, toast } from './dom.js';
import { ApiError } from './http.js';

export function deleteDocumentButton(projectId: string, doc: DocumentSummary, onDeleted: () => void): HTMLElement | null {
  if (doc.status !== 'TAGGED' && doc.status !== 'FAILED') return null;
  const btn = h('button', { class: 'reject', attrs: { type: 'button', 'data-testid': 'delete-document', 'aria-label': `Delete ${doc.name}` } }, 'Delete');
  btn.addEventListener('click', async () => {
    if (!btn.dataset.confirm) {
      btn.dataset.confirm = 'yes';
      btn.textContent = 'Delete with its codings? (cannot be undone)';
      return;
    }
    btn.disabled = true;
    try {
      const r = await api.deleteDocument({ projectId, documentId: doc.id });
      const decided = r.codings.accepted + r.codings.rejected;
      toast(`Deleted ${r.name}: ${r.segments} segments, ${r.codings.proposed + decided} codings (${decided} decided); recorded in the audit trail`);
      onDeleted();
    } catch (e) {
      btn.disabled = false;
      toast(e instanceof ApiError ? `${doc.name} was not deleted: ${e.message}${e.hint ? `. ${e.hint}` : ''}` : `${doc.name} was not deleted`, 'error');
    }
  });
  return btn;
}
