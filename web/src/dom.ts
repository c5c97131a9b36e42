// Safe DOM building: data only ever reaches the page as text nodes or attribute values, never as
// markup, so a transcript containing `<img src=x onerror=alert(1)>` shows those characters.

export type Child = Node | string | number | null | undefined | false | Child[];

export interface Props {
  class?: string;
  /** Attributes set with setAttribute (values are plain strings, never parsed as HTML). */
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[K]) => void };
  dataset?: Record<string, string>;
  /** Inline styles through the CSSOM (allowed by the page's CSP, unlike style attributes). */
  style?: Partial<Record<'background' | 'color' | 'width', string>>;
}

const UNSAFE_ATTR = /^on/i;

/** Creates an element; strings become text nodes. Event-handler attributes are refused. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props?.class) el.className = props.class;
  for (const [name, value] of Object.entries(props?.attrs ?? {})) {
    if (UNSAFE_ATTR.test(name) || name.toLowerCase() === 'style') throw new Error(`refusing event-handler attribute ${name}`);
    if (value === undefined || value === false) continue;
    if ((name === 'href' || name === 'src') && !isSafeUrl(String(value))) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [k, v] of Object.entries(props?.dataset ?? {})) el.dataset[k] = v;
  if (props?.style) Object.assign(el.style, props.style);
  for (const [type, fn] of Object.entries(props?.on ?? {})) {
    if (fn) el.addEventListener(type, fn as EventListener);
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (typeof c === 'string' || typeof c === 'number') parent.appendChild(document.createTextNode(String(c)));
    else parent.appendChild(c);
  }
}

/** Replaces every child of `parent` with `children`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Only same-document, relative, http(s) and blob: links are allowed in href/src. */
export function isSafeUrl(url: string): boolean {
  const trimmed = url.trim().toLowerCase();
  if (trimmed.startsWith('#') || trimmed.startsWith('/') || trimmed.startsWith('./') || trimmed.startsWith('?')) return true;
  return /^(https?:|blob:)/.test(trimmed) || !/^[a-z][a-z0-9+.-]*:/.test(trimmed);
}

export function $(selector: string, root: ParentNode = document): HTMLElement {
  const el = root.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  return el;
}

/** A <kbd> hint, e.g. kbd('a'). */
export function kbd(key: string): HTMLElement {
  return h('kbd', null, key);
}

let toastTimer: number | undefined;
/** A short polite status message (role=status, read by screen readers). */
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.className = `toast show ${kind}`;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (el.className = 'toast'), kind === 'error' ? 8000 : 3000);
}
