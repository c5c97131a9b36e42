// Maps a DOM selection inside a rendered segment back to character offsets in the segment text.
// The segment body is rendered only from text nodes (possibly inside <mark>s), so counting text
// lengths in document order gives exact offsets.

function textOffset(container: Node, node: Node, offset: number): number | null {
  if (!container.contains(node)) return null;
  let total = 0;
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n === node) return total + offset;
    total += n.textContent?.length ?? 0;
  }
  // The boundary is an element: count the text before its offset-th child.
  if (node.nodeType === Node.ELEMENT_NODE) {
    const range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }
  return null;
}

/** Offsets (start < end) of the current selection within `container`, or null when none/outside. */
export function selectionOffsets(container: Element): { start: number; end: number } | null {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  const start = textOffset(container, range.startContainer, range.startOffset);
  const end = textOffset(container, range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return null;
  return { start, end };
}
