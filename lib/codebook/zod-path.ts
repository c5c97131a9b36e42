/** `['categories', 2, 'codes', 0, 'rules', 1]` → `categories[2].codes[0].rules[1]`. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
