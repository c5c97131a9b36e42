// The element path at a line of an XML text (e.g. `Project/Sources/TextSource[2]/PlainTextSelection[1]`),
// so a schema error reported by line can name the element a researcher can find in their export.
// A small scanner over tags only: comments, CDATA, processing instructions and text are skipped.

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!(?:[^>"']|"[^"]*"|'[^']*')*>|<\/?([A-Za-z_][\w.:-]*)(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g;

/** The path of the innermost element whose start tag begins on or before `line` (1-based) and is still open there. */
export function elementPathAtLine(xml: string, line: number): string {
  const stack: Array<{ name: string; index: number; counts: Map<string, number> }> = [];
  const root = new Map<string, number>();
  let currentLine = 1;
  let scanned = 0;
  let best = '';
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(xml); m; m = TOKEN.exec(xml)) {
    for (let i = scanned; i < m.index; i++) if (xml.charCodeAt(i) === 10) currentLine++;
    scanned = m.index;
    if (currentLine > line) break;
    const name = m[1];
    if (!name) continue;
    const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
    if (m[0].startsWith('</')) {
      stack.pop();
      continue;
    }
    const counts = stack.length ? stack[stack.length - 1]!.counts : root;
    const index = (counts.get(local) ?? 0) + 1;
    counts.set(local, index);
    const entry = { name: local, index, counts: new Map<string, number>() };
    best = [...stack, entry].map((e) => (e.index > 1 || needsIndex(e, stack) ? `${e.name}[${e.index}]` : e.name)).join('/');
    if (!m[2]) stack.push(entry);
  }
  return best || '(document)';
}

// Always index repeatable elements, so `TextSource[1]` is not mistaken for the only one.
function needsIndex(e: { name: string }, _stack: unknown[]): boolean {
  return !['Project', 'Users', 'CodeBook', 'Codes', 'Cases', 'Sources', 'Notes', 'Links', 'Sets', 'Variables', 'Graphs'].includes(e.name);
}
