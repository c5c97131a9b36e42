// How a re-upload's re-anchoring shows on a coding: a badge on its chip and a note in the side panel.
import type { CodingView } from '../api.js';
import { h } from '../dom.js';

/** "moved" / "detached" badge of a coding a re-upload re-anchored; the old passage in its tooltip (text only). */
export function anchorBadge(c: CodingView): HTMLElement | null {
  if (!c.anchor) return null;
  const detached = c.anchor.state === 'detached';
  return h(
    'span',
    {
      class: `badge ${c.anchor.state}`,
      attrs: { title: `Before the re-upload on segment ${c.anchor.fromIndex + 1}: “${c.anchor.fromText}”`, 'data-anchor': c.anchor.state },
    },
    detached ? 'detached — passage no longer in the file' : 'moved',
  );
}

/** What the re-upload did, for the side panel. */
export function anchorNote(c: CodingView): HTMLElement | null {
  const a = c.anchor;
  if (!a) return null;
  return h(
    'div',
    { class: 'evidence anchor' },
    a.state === 'detached'
      ? `Detached: this passage (segment ${a.fromIndex + 1}) is no longer in the re-uploaded file. `
      : `Moved here after a re-upload (was segment ${a.fromIndex + 1}${a.similarity !== undefined ? `, text changed, similarity ${a.similarity.toFixed(2)}` : ''}). `,
    `Before: “${a.fromText}”`,
    a.lostSpan ? ` The coded part “${a.lostSpan.text}” was not found again; the code now covers the whole segment.` : '',
  );
}
