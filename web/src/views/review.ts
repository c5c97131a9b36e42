// Review one document: segments in reading order, proposed codes with score and highlighted
// evidence, accept / reject / add (whole segment or a selected span) / undo — keyboard first.
import { documentNotes } from '../document-notes.js';
import type { DecisionBody } from '../../../lib/api/contract.js';
import { api, type Coding, type DocumentDetail, type DocumentSummary } from '../api.js';
import { codeLabel, type Ctx, type View } from '../context.js';
import { conflictBanner, sendDecision } from '../decisions.js';
import { h, kbd, replaceChildren, toast } from '../dom.js';
import { errorBanner } from '../errors.js';
import { evidenceLegend, scoreLabel } from '../proposal.js';
import { bulkAcceptControl } from '../bulk.js';
import { classifierNote, contextSupport, exampleNote, highlightEvidence, isLearnedEvidence, learnedWords, ruleQuotes, shownEvidence } from '../evidence.js';
import { hueFor, toRuns, type Span } from '../highlight.js';
import { pickCode } from '../picker.js';
import { formatRoute, type Route } from '../route.js';
import { nextDocumentToReview } from '../review/next-document.js';
import { undoableFromTrail, type UndoEntry, type UndoItem } from '../review/undo-trail.js';
import { selectionOffsets } from '../selection.js';

type Seg = DocumentDetail['segments'][number];

/** What the detached list can ask the view to do with one of its codings. */
interface DetachedActions {
  place(c: Coding): void;
  drop(c: Coding): void;
}

function formatMs(ms: number): string {
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${hh ? `${hh}:` : ''}${String(mm).padStart(hh ? 2 : 1, '0')}:${String(ss).padStart(2, '0')}`;
}

/** The segment's codings in a stable order: undecided first (by score), then decided. */
function ordered(codings: Coding[]): Coding[] {
  const rank = { proposed: 0, accepted: 1, rejected: 2 } as const;
  return [...codings].sort((a, b) => rank[a.status] - rank[b.status] || b.score - a.score || a.code.localeCompare(b.code));
}

/** "moved" / "detached" badge of a coding a re-upload re-anchored; the old passage in its tooltip (text only). */
function anchorBadge(c: Coding): HTMLElement | null {
  if (!c.anchor) return null;
  const detached = c.anchor.state === 'detached';
  return h(
    'span',
    { class: `badge ${c.anchor.state}`, attrs: { title: `Before the re-upload on segment ${c.anchor.fromIndex + 1}: “${c.anchor.fromText}”`, 'data-anchor': c.anchor.state } },
    detached ? 'detached — passage no longer in the file' : 'moved',
  );
}

/** What the re-upload did, for the side panel. */
function anchorNote(c: Coding): HTMLElement | null {
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

/** Codings whose passage a re-upload removed: kept (uncounted, unexported) until the researcher re-places or drops them. */
function detachedSection(ctx: Ctx, codings: Coding[], act: DetachedActions, placingId: string | null): HTMLElement {
  return h(
    'section',
    { class: 'detached-list', attrs: { 'aria-label': 'Detached codings', 'data-testid': 'detached' } },
    h('h2', null, `Detached codings (${codings.length})`),
    h(
      'p',
      { class: 'muted small' },
      'Their passage is no longer in the re-uploaded file. They are kept with the old text and left out of reports and exports: place each on the passage where it belongs now, or drop it (its history stays in the audit trail).',
    ),
    codings.map((c) => {
      // Drop asks once more on the button itself: it cannot be undone.
      const dropBtn = h('button', { class: 'reject', attrs: { type: 'button', 'data-testid': 'drop' } }, 'Drop');
      dropBtn.addEventListener('click', () => {
        if (dropBtn.dataset.confirm) return act.drop(c);
        dropBtn.dataset.confirm = 'yes';
        dropBtn.textContent = 'Drop for good? (cannot be undone)';
      });
      return h(
        'div',
        { class: `proposal${placingId === c.id ? ' active' : ''}`, attrs: { 'data-code': c.code, 'data-status': c.status, 'data-coding': c.id } },
        h('div', { class: 'row' }, h('span', { class: 'code' }, codeLabel(ctx, c.code)), h('span', { class: `status ${c.status}` }, c.status), anchorBadge(c)),
        anchorNote(c),
        h(
          'div',
          { class: 'toolbar tight' },
          h('button', { attrs: { type: 'button', 'data-testid': 'place' }, on: { click: () => act.place(c) } }, 'Place on a passage…'),
          dropBtn,
        ),
      );
    }),
  );
}

export function reviewView(ctx: Ctx, route: Route): View {
  const el = h('section', { attrs: { 'aria-labelledby': 'review-h' } });
  if (!route.id) {
    void chooseDocument(ctx, el);
    return { el };
  }
  const documentId = route.id;
  let detail: DocumentDetail | null = null;
  let cur = 0;
  let activeCodingId: string | null = null;
  const undoStack: UndoEntry[] = [];
  const segEls = new Map<string, HTMLElement>();
  const segmentsBox = h('div', { class: 'segments', attrs: { role: 'list', 'aria-label': 'Segments' } });
  const side = h('aside', { class: 'side', attrs: { 'aria-label': 'Current segment' } });
  const conflictSlot = h('div', { attrs: { 'aria-live': 'assertive' } });
  const progressText = h('span', { class: 'muted', attrs: { 'data-testid': 'progress' } });
  const placingSlot = h('div', { attrs: { 'aria-live': 'polite' } });
  // Made once: its Undo for the last batch survives the re-render after the batch.
  const bulkCtl = bulkAcceptControl(ctx, { documentId, onChange: () => void reload().catch((e: unknown) => replaceChildren(conflictSlot, errorBanner(e, 'Cannot reload the document'))) });
  let busy = false;
  let docs: DocumentSummary[] = [];
  /** Offered once every proposal of this document is decided. */
  let nextDoc: DocumentSummary | null = null;
  const doneSlot = h('div', { attrs: { 'aria-live': 'polite' } });
  /** The detached coding being placed: the reader picks its segment (and optionally a span), then "Place here". */
  let placing: Coding | null = null;

  // Collapsed by default: the bar above the text shows the everyday keys; this lists them all.
  const keysPanel = h(
    'details',
    { class: 'panel keys-panel', attrs: { 'aria-label': 'Keyboard shortcuts' } },
    h('summary', null, 'All keys'),
    h(
      'div',
      { class: 'keys' },
      h('span', null, kbd('j'), ' ', kbd('↓')), 'next segment',
      h('span', null, kbd('k'), ' ', kbd('↑')), 'previous segment',
      h('span', null, kbd('h'), ' ', kbd('l')), 'previous / next proposal',
      h('span', null, kbd('a')), 'accept proposal',
      h('span', null, kbd('r')), 'reject proposal',
      h('span', null, kbd('c')), 'add a code (to the selected text, if any)',
      h('span', null, kbd('x')), 'reject all undecided proposals here, then add the right code',
      h('span', null, kbd('u')), 'undo last decision (also after a reload)',
      h('span', null, kbd('n')), 'next undecided proposal; when none is left, the next document',
    ),
  );

  function seg(): Seg | undefined {
    return detail?.segments[cur];
  }

  function activeCoding(): Coding | undefined {
    const s = seg();
    if (!s) return undefined;
    return s.codings.find((c) => c.id === activeCodingId) ?? ordered(s.codings).find((c) => c.status === 'proposed');
  }

  function renderSegment(s: Seg, index: number): HTMLElement {
    const isCur = index === cur;
    const active = isCur ? activeCoding() : undefined;
    const spans: Span[] = [];
    for (const c of s.codings) {
      if (c.status === 'rejected') continue;
      // Each matched word once, inside the coding's span when it has one (lib/review/evidence-view.ts).
      for (const ev of highlightEvidence(c, s.text).shown) spans.push({ start: ev.start, end: ev.end, key: c.id, learned: isLearnedEvidence(ev) });
      if (c.span) spans.push({ start: c.span.start, end: c.span.end, key: c.id });
    }
    const body = h('div', { class: 'body', attrs: { 'data-testid': 'segment-text' } });
    for (const run of toRuns(s.text, spans)) {
      if (run.keys.length === 0) body.append(document.createTextNode(run.text));
      else {
        const codes = run.keys.map((k) => s.codings.find((c) => c.id === k)?.code ?? k);
        body.append(
          h(
            'mark',
            {
              class: [run.learned ? 'learned' : '', active && run.keys.includes(active.id) ? 'focus' : ''].filter(Boolean).join(' ') || undefined,
              attrs: { title: `${codes.map((c) => codeLabel(ctx, c)).join(', ')}${run.learned ? ' (a word the model learned)' : ''}`, 'data-keys': run.keys.join(' ') },
            },
            run.text,
          ),
        );
      }
    }
    const chips = ordered(s.codings).map((c) =>
      h(
        'span',
        { class: `chip ${c.status}`, attrs: { 'data-code': c.code, 'data-status': c.status } },
        h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' }, style: { background: `hsl(${hueFor(c.categoryId)} 60% 45%)` } }),
        codeLabel(ctx, c.code),
        scoreLabel(c) ?? h('span', { class: 'small' }, c.span ? 'span' : 'added'),
        anchorBadge(c),
      ),
    );
    const meta = h(
      'div',
      { class: 'meta' },
      h('span', { class: 'speaker' }, s.speaker ?? (s.respondent ? '' : '—')),
      s.respondent && s.respondent !== s.speaker ? h('span', null, `respondent: ${s.respondent}`) : null,
      h('span', null, `#${s.index + 1}`),
      s.page !== null ? h('span', null, `p. ${s.page}`) : null,
      typeof s.startMs === 'number' ? h('span', null, formatMs(s.startMs)) : null,
    );
    const article = h(
      'article',
      {
        class: `segment${isCur ? ' current' : ''}`,
        attrs: { id: `seg-${s.id}`, role: 'listitem', tabindex: isCur ? 0 : -1, 'aria-current': isCur ? 'true' : undefined, 'data-segment': s.id },
        on: {
          mouseup: () => {
            if (index !== cur) select(index, false);
          },
        },
      },
      meta,
      body,
      chips.length ? h('div', { class: 'chips' }, chips) : null,
    );
    return article;
  }

  function replaceSegment(index: number): void {
    const s = detail?.segments[index];
    if (!s) return;
    const fresh = renderSegment(s, index);
    segEls.get(s.id)?.replaceWith(fresh);
    segEls.set(s.id, fresh);
  }

  function renderSide(): void {
    const s = seg();
    if (!s || !detail) {
      replaceChildren(side, keysPanel);
      return;
    }
    const active = activeCoding();
    const proposals = ordered(s.codings).map((c) => {
      const evidence = ruleQuotes(c, s.text);
      // A coding narrowed to a span is explained by the span itself, not by what the rule matched around it.
      const words = learnedWords(s.text, shownEvidence(c));
      const example = c.span ? null : exampleNote(c.evidence);
      const support = c.span ? null : contextSupport(c.evidence);
      const learnt = c.span ? null : classifierNote(c.evidence);
      const isActive = active?.id === c.id;
      return h(
        'div',
        { class: `proposal${isActive ? ' active' : ''}`, attrs: { 'data-code': c.code, 'data-status': c.status } },
        h('div', { class: 'row' }, h('span', { class: 'code' }, codeLabel(ctx, c.code)), h('span', { class: `status ${c.status}` }, c.status)),
        h(
          'div',
          { class: 'row small muted' },
          h('span', null, ctx.codebook?.categories.get(c.categoryId) ?? c.categoryId),
          scoreLabel(c, true) ?? h('span', null, c.span ? 'added to a span' : 'added'),
        ),
        evidence ? h('div', { class: 'evidence' }, `Evidence: ${evidence}`) : null,
        words.length ? h('div', { class: 'evidence learned', attrs: { 'data-testid': 'learned-words' } }, 'Words the model learned: ', words.map((w, i) => [i ? ', ' : '', h('span', { class: 'learned-word' }, w)])) : null,
        example ? h('div', { class: 'evidence example', attrs: { 'data-testid': 'example-note' } }, example[0]!.toUpperCase() + example.slice(1)) : null,
        support ? h('div', { class: 'evidence' }, `Supported by ${support}`) : null,
        learnt ? h('div', { class: 'evidence classifier' }, learnt[0]!.toUpperCase() + learnt.slice(1)) : null,
        c.span ? h('div', { class: 'evidence' }, `Span: “${s.text.slice(c.span.start, c.span.end)}”`) : null,
        anchorNote(c),
        h(
          'div',
          { class: 'toolbar tight' },
          c.status !== 'accepted'
            ? h('button', { class: 'accept', attrs: { type: 'button' }, on: { click: () => void decide('accept', c) } }, 'Accept', isActive ? kbd('a') : null)
            : null,
          c.status !== 'rejected'
            ? h('button', { class: 'reject', attrs: { type: 'button' }, on: { click: () => void decide('reject', c) } }, 'Reject', isActive ? kbd('r') : null)
            : null,
        ),
      );
    });
    const hasSelection = selectionOffsets(segEls.get(s.id)?.querySelector('.body') ?? document.createElement('div')) !== null;
    const placeHere = placing
      ? h(
          'div',
          { class: 'banner info' },
          `Place “${codeLabel(ctx, placing.code)}” (${placing.status}) on this segment${hasSelection ? ' — on the selected text' : ''}? `,
          h(
            'div',
            { class: 'toolbar tight' },
            h('button', { class: 'primary', attrs: { type: 'button', 'data-testid': 'place-here' }, on: { click: () => void placeHereNow() } }, hasSelection ? 'Place on selection' : 'Place here', kbd('Enter')),
            h('button', { attrs: { type: 'button' }, on: { click: () => cancelPlacing() } }, 'Cancel', kbd('Esc')),
          ),
        )
      : null;
    replaceChildren(
      side,
      h(
        'div',
        { class: 'panel' },
        h('h3', null, `Segment ${s.index + 1} of ${detail.segments.length}`, s.respondent ? ` · ${s.respondent}` : ''),
        conflictSlot,
        placeHere,
        proposals.length ? proposals : h('p', { class: 'muted' }, 'No codes on this segment.'),
        h(
          'div',
          { class: 'toolbar tight' },
          h('button', { attrs: { type: 'button', 'data-testid': 'add-code' }, on: { click: () => void addCode() } }, hasSelection ? 'Code selection…' : 'Add code…', kbd('c')),
          s.codings.some((c) => c.status === 'proposed')
            ? h('button', { attrs: { type: 'button', 'data-testid': 'reject-all-add' }, on: { click: () => void rejectAllAndAdd() } }, 'Reject all, add…', kbd('x'))
            : null,
          h('button', { attrs: { type: 'button', disabled: undoStack.length === 0 }, on: { click: () => void undo() } }, 'Undo', kbd('u')),
        ),
      ),
      keysPanel,
    );
  }

  function updateProgress(): void {
    if (!detail) return;
    let proposed = 0;
    let decided = 0;
    for (const s of detail.segments)
      for (const c of s.codings) {
        if (c.status === 'proposed') proposed++;
        else decided++;
      }
    progressText.textContent = `${decided} decided · ${proposed} to review`;
    // The document menu says the same for this document.
    const option = el.querySelector<HTMLOptionElement>('select[aria-label=Document] option:checked');
    if (option) option.textContent = `${detail.document.name} (${proposed} to review)`;
  }

  /** Marks the current segment and the active proposal's evidence without re-rendering (keeps a text selection). */
  function markCurrent(): void {
    if (!detail) return;
    const active = activeCoding();
    detail.segments.forEach((s, i) => {
      const e = segEls.get(s.id);
      if (!e) return;
      const isCur = i === cur;
      e.classList.toggle('current', isCur);
      e.tabIndex = isCur ? 0 : -1;
      if (isCur) e.setAttribute('aria-current', 'true');
      else e.removeAttribute('aria-current');
      for (const m of Array.from(e.querySelectorAll<HTMLElement>('mark'))) {
        m.classList.toggle('focus', isCur && !!active && (m.dataset.keys ?? '').split(' ').includes(active.id));
      }
    });
  }

  function select(index: number, scroll = true): void {
    if (!detail || index < 0 || index >= detail.segments.length) return;
    cur = index;
    activeCodingId = null;
    markCurrent();
    renderSide();
    const s = detail.segments[cur]!;
    const segEl = segEls.get(s.id);
    if (scroll) {
      segEl?.scrollIntoView({ block: 'nearest' });
      segEl?.focus({ preventScroll: true });
    }
    history.replaceState(null, '', formatRoute('review', documentId, { segment: s.id }));
  }

  function moveProposal(delta: number): void {
    const s = seg();
    if (!s || s.codings.length === 0) return;
    const list = ordered(s.codings);
    const i = Math.max(0, list.findIndex((c) => c.id === activeCoding()?.id));
    activeCodingId = list[(i + delta + list.length) % list.length]!.id;
    markCurrent();
    renderSide();
  }

  function nextUndecided(from: number): number {
    if (!detail) return -1;
    for (let i = from; i < detail.segments.length; i++) if (detail.segments[i]!.codings.some((c) => c.status === 'proposed')) return i;
    return -1;
  }

  function applyCoding(segIndex: number, codingId: string, coding: Coding | null): void {
    const s = detail?.segments[segIndex];
    if (!s) return;
    const i = s.codings.findIndex((c) => c.id === codingId);
    if (coding === null) {
      if (i >= 0) s.codings.splice(i, 1);
    } else if (i >= 0) s.codings[i] = coding;
    else s.codings.push(coding);
    replaceSegment(segIndex);
    updateProgress();
  }

  function segIndexOf(segmentId: string): number {
    return detail?.segments.findIndex((s) => s.id === segmentId) ?? -1;
  }

  async function run(body: DecisionBody, codeId: string, segIndex: number, codingId: string | null): Promise<Coding | null | 'failed'> {
    busy = true;
    try {
      const out = await sendDecision(ctx, body);
      if (out.kind === 'ok') {
        replaceChildren(conflictSlot);
        applyCoding(segIndex, out.coding?.id ?? codingId ?? '', out.coding);
        return out.coding;
      }
      if (out.kind === 'conflict') {
        // Show what is there now, keep the reviewer's intent on screen until they choose.
        if (codingId) applyCoding(segIndex, codingId, out.current);
        if (segIndex !== cur) select(segIndex);
        else renderSide();
        replaceChildren(
          conflictSlot,
          conflictBanner(
            ctx,
            body,
            codeId,
            out.current,
            out.current && body.action !== 'add'
              ? () => void run({ ...body, version: out.current!.version } as DecisionBody, codeId, segIndex, codingId).then(() => renderSide())
              : null,
            () => {
              replaceChildren(conflictSlot);
              renderSide();
            },
          ),
        );
        return 'failed';
      }
      replaceChildren(conflictSlot, errorBanner(out.error, 'The decision was not saved'));
      return 'failed';
    } finally {
      busy = false;
    }
  }

  /** One decision on a proposal; returns false when it was not saved (the banner says why). */
  async function decideOne(action: 'accept' | 'reject', c: Coding): Promise<boolean> {
    const result = await run({ action, documentId, codingId: c.id, version: c.version }, c.code, segIndexOf(c.segmentId), c.id);
    return result !== 'failed';
  }

  async function decide(action: 'accept' | 'reject', coding?: Coding): Promise<void> {
    const c = coding ?? activeCoding();
    const s = seg();
    if (!c || !s || busy) return;
    const segIndex = segIndexOf(c.segmentId);
    if (!(await decideOne(action, c))) return;
    undoStack.push({ items: [{ codingId: c.id, code: c.code, action }] });
    toast(`${action === 'accept' ? 'Accepted' : 'Rejected'} ${codeLabel(ctx, c.code)} — press u to undo`);
    afterDecision(segIndex);
  }

  /** Stay on the segment while it has undecided proposals; then the next one that has; after the last, offer the next document. */
  function afterDecision(segIndex: number): void {
    activeCodingId = null;
    if (detail?.segments[segIndex]?.codings.some((x) => x.status === 'proposed')) {
      renderSide();
      return;
    }
    const next = nextUndecided(segIndex + 1);
    const before = next < 0 ? nextUndecided(0) : next;
    if (before >= 0) select(before);
    else {
      renderSide();
      void offerNextDocument();
    }
  }

  /** The document is fully decided: a banner with the next document that has undecided proposals. */
  async function offerNextDocument(): Promise<void> {
    try {
      docs = (await api.listDocuments(ctx.projectId, undefined, { counts: true })).items;
    } catch {
      /* keep the list we have */
    }
    nextDoc = nextDocumentToReview(docs, documentId);
    renderDone();
  }

  function renderDone(): void {
    const total = detail?.segments.reduce((n, s) => n + s.codings.length, 0) ?? 0;
    replaceChildren(
      doneSlot,
      nextDoc || undecidedCount() === 0
        ? h(
            'div',
            { class: 'banner info done', attrs: { 'data-testid': 'document-done' } },
            h('strong', null, `All ${total} codings in ${detail?.document.name ?? 'this document'} are decided. `),
            nextDoc
              ? [
                  `Next: ${nextDoc.name} (${nextDoc.counts?.proposed ?? 0} to review). `,
                  h('button', { class: 'primary', attrs: { type: 'button', 'data-testid': 'next-document' }, on: { click: () => openNextDocument() } }, 'Open next document', kbd('n')),
                ]
              : ['No other document has undecided proposals. ', h('a', { attrs: { href: formatRoute('report') } }, 'See the report'), '.'],
          )
        : null,
    );
  }

  function undecidedCount(): number {
    return detail?.segments.reduce((n, s) => n + s.codings.filter((c) => c.status === 'proposed').length, 0) ?? 0;
  }

  function openNextDocument(): boolean {
    if (!nextDoc) return false;
    ctx.navigate(formatRoute('review', nextDoc.id));
    return true;
  }

  /**
   * "None of these, it is that": rejects every undecided proposal of the segment, then opens the code picker.
   * The rejections and the added code are one entry of the undo list.
   */
  async function rejectAllAndAdd(): Promise<void> {
    const s = seg();
    if (!s || busy) return;
    const entry: UndoEntry = { items: [] };
    const open = s.codings.filter((c) => c.status === 'proposed');
    for (const c of open) {
      if (!(await decideOne('reject', c))) break;
      entry.items.push({ codingId: c.id, code: c.code, action: 'reject' });
    }
    if (entry.items.length) {
      undoStack.push(entry);
      entry.label = `reject of ${entry.items.length} proposal${entry.items.length > 1 ? 's' : ''}`;
    }
    if (entry.items.length < open.length) return;
    activeCodingId = null;
    renderSide();
    await addCode(entry);
  }

  /** Adds a code (to the selected span, if any). With `joinTo`, the add joins that undo entry (reject all and add). */
  async function addCode(joinTo?: UndoEntry): Promise<void> {
    const s = seg();
    if (!s || busy) return;
    if (!ctx.codebook) {
      toast('This project has no codebook yet: upload one first.', 'error');
      return;
    }
    const body = segEls.get(s.id)?.querySelector('.body');
    const span = body ? selectionOffsets(body) : null;
    const code = await pickCode(ctx.codebook, span ? `Code “${s.text.slice(span.start, span.end).slice(0, 60)}”` : `Add a code to segment ${s.index + 1}`);
    segEls.get(s.id)?.focus({ preventScroll: true });
    if (!code) {
      if (joinTo?.items.length) toast(`Rejected ${joinTo.items.length} proposal(s); no code added — press u to undo`);
      if (joinTo) afterDecision(cur);
      return;
    }
    const whole = span && span.start === 0 && span.end === s.text.length;
    const req: DecisionBody = { action: 'add', documentId, segmentId: s.id, code, ...(span && !whole ? { span } : {}) };
    const segIndex = cur;
    const result = await run(req, code, segIndex, null);
    if (result === 'failed' || result === null) return;
    window.getSelection()?.removeAllRanges();
    const item: UndoItem = { codingId: result.id, code, action: 'add' };
    if (joinTo?.items.length) {
      joinTo.items.push(item);
      joinTo.label = `${joinTo.label} and add of ${codeLabel(ctx, code)}`;
    } else undoStack.push({ items: [item] });
    toast(`Added ${codeLabel(ctx, code)}${joinTo?.items.length ? ` after rejecting ${joinTo.items.length - 1}` : ''} — press u to undo`);
    replaceSegment(segIndex);
    // The added code is decided already: `a` / `r` go on with the next undecided proposal, not the new code.
    // A plain add stays on the segment (another code may follow); after "reject all and add" the segment is done.
    if (joinTo) afterDecision(segIndex);
    else {
      activeCodingId = null;
      renderSide();
    }
  }

  /** Undoes the last entry of the undo list (newest decision first), one coding after another. */
  async function undo(): Promise<void> {
    const last = undoStack.at(-1);
    if (!last || !detail || busy) {
      if (!last) toast('Nothing to undo.');
      return;
    }
    const what = last.label ?? (last.items.length === 1 ? `${last.items[0]!.action} of ${codeLabel(ctx, last.items[0]!.code)}` : `${last.items.length} decisions`);
    let landedAt = -1;
    for (const item of [...last.items].reverse()) {
      const done = await undoItem(item);
      if (done === 'failed') return;
      last.items.pop();
      if (done >= 0) landedAt = done;
    }
    undoStack.pop();
    replaceChildren(doneSlot);
    nextDoc = null;
    toast(`Undid ${what}`);
    if (landedAt >= 0 && landedAt !== cur) select(landedAt);
    else {
      replaceSegment(cur);
      renderSide();
    }
  }

  /** Undoes one decision; returns the segment index it was on (-1 when the coding is gone), or 'failed'. */
  async function undoItem(item: UndoItem): Promise<number | 'failed'> {
    if (!detail) return 'failed';
    const segIndex = detail.segments.findIndex((s) => s.codings.some((c) => c.id === item.codingId));
    const coding = detail.segments[segIndex]?.codings.find((c) => c.id === item.codingId);
    if (!coding) return -1;
    const body: DecisionBody = { action: 'undo', documentId, codingId: coding.id, version: coding.version };
    if (item.action === 'place') {
      // The coding goes back to the detached list (and a proposal it replaced comes back): re-read the document.
      return (await runAndReload(body, coding.code)) === 'failed' ? 'failed' : -1;
    }
    const result = await run(body, coding.code, segIndex, coding.id);
    if (result === 'failed') return 'failed';
    activeCodingId = result?.id ?? null;
    return segIndex;
  }

  /** After a reload or a restart: the reviewer's standing decisions in this document, from the audit trail. */
  async function undoFromTrail(): Promise<void> {
    try {
      const [me, trail] = await Promise.all([api.me(), api.documentAudit(ctx.projectId, documentId)]);
      if (undoStack.length === 0) undoStack.push(...undoableFromTrail(trail.items, me.userId));
      renderSide();
    } catch {
      /* without the trail, undo covers this visit only */
    }
  }

  /** Reads the document again (a place, drop or its undo moves codings between the text and the detached list). */
  async function reload(): Promise<void> {
    detail = await api.getDocument(ctx.projectId, documentId);
    cur = Math.min(cur, Math.max(0, detail.segments.length - 1));
    renderAll(docs);
  }

  function renderPlacing(): void {
    replaceChildren(
      placingSlot,
      placing
        ? h(
            'div',
            { class: 'banner info', attrs: { 'data-testid': 'placing' } },
            h('strong', null, `Placing “${codeLabel(ctx, placing.code)}”. `),
            'Go to the passage where it belongs now (click it, or j / k), select text to place it on a span, then press Place here (Enter; Esc cancels). ',
            `It was on: “${placing.anchor?.fromText ?? ''}”`,
          )
        : null,
    );
  }

  function startPlacing(c: Coding): void {
    if (busy || !detail || detail.segments.length === 0) return;
    placing = c;
    renderPlacing();
    renderAll(docs);
    select(cur);
  }

  function cancelPlacing(): void {
    placing = null;
    renderPlacing();
    renderAll(docs);
  }

  /** Sends a place / drop / undo-of-a-place and re-reads the document; a 409 shows the banner. */
  async function runAndReload(body: DecisionBody, codeId: string): Promise<Coding | null | 'failed'> {
    busy = true;
    try {
      const out = await sendDecision(ctx, body);
      if (out.kind === 'error') {
        replaceChildren(conflictSlot, errorBanner(out.error, 'The decision was not saved'));
        return 'failed';
      }
      await reload();
      if (out.kind === 'ok') return out.coding;
      replaceChildren(
        conflictSlot,
        conflictBanner(ctx, body, codeId, out.current, null, () => {
          replaceChildren(conflictSlot);
          renderSide();
        }),
      );
      return 'failed';
    } catch (e) {
      replaceChildren(conflictSlot, errorBanner(e, 'Cannot reload the document'));
      return 'failed';
    } finally {
      busy = false;
    }
  }

  async function placeHereNow(): Promise<void> {
    const s = seg();
    const c = placing;
    if (!s || !c || busy) return;
    const textBody = segEls.get(s.id)?.querySelector('.body');
    const span = textBody ? selectionOffsets(textBody) : null;
    const whole = span && span.start === 0 && span.end === s.text.length;
    placing = null;
    renderPlacing();
    const result = await runAndReload({ action: 'place', documentId, codingId: c.id, version: c.version, segmentId: s.id, ...(span && !whole ? { span } : {}) }, c.code);
    if (result === 'failed' || result === null) return;
    window.getSelection()?.removeAllRanges();
    undoStack.push({ items: [{ codingId: result.id, code: c.code, action: 'place' }] });
    activeCodingId = result.id;
    renderSide();
    toast(`Placed ${codeLabel(ctx, c.code)} on segment ${s.index + 1} — press u to undo`);
  }

  async function drop(c: Coding): Promise<void> {
    if (busy) return;
    if (placing?.id === c.id) placing = null;
    renderPlacing();
    const result = await runAndReload({ action: 'drop', documentId, codingId: c.id, version: c.version }, c.code);
    if (result !== 'failed') toast(`Dropped ${codeLabel(ctx, c.code)}; its history stays in the audit trail`);
  }

  async function load(): Promise<void> {
    replaceChildren(el, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const [d, list] = await Promise.all([api.getDocument(ctx.projectId, documentId), api.listDocuments(ctx.projectId, undefined, { counts: true })]);
      detail = d;
      docs = list.items;
      const wanted = route.query.get('segment');
      const at = wanted ? d.segments.findIndex((s) => s.id === wanted) : -1;
      cur = at >= 0 ? at : Math.max(0, nextUndecided(0));
      renderAll(list.items);
      if (undecidedCount() === 0 && d.segments.some((s) => s.codings.length)) {
        nextDoc = nextDocumentToReview(docs, documentId);
        renderDone();
      }
      void undoFromTrail();
    } catch (e) {
      replaceChildren(el, h('h1', { attrs: { id: 'review-h' } }, 'Review'), errorBanner(e, 'Cannot open the document'));
    }
  }

  function renderAll(docList: DocumentSummary[]): void {
    if (!detail) return;
    const docs = docList;
    const docSelect = h(
      'select',
      { attrs: { 'aria-label': 'Document' }, on: { change: () => ctx.navigate(formatRoute('review', docSelect.value)) } },
      docs.filter((d) => d.status === 'TAGGED').map((d) => h('option', { attrs: { value: d.id, selected: d.id === documentId } }, d.counts ? `${d.name} (${d.counts.proposed} to review)` : d.name)),
    );
    segEls.clear();
    replaceChildren(
      segmentsBox,
      detail.segments.map((s, i) => {
        const e = renderSegment(s, i);
        segEls.set(s.id, e);
        return e;
      }),
    );
    if (detail.segments.length === 0) segmentsBox.append(h('p', { class: 'muted' }, 'This document has no segments.'));
    if (detail.detached?.length) {
      segmentsBox.append(detachedSection(ctx, detail.detached, { place: startPlacing, drop: (c) => void drop(c) }, placing?.id ?? null));
    }
    replaceChildren(
      el,
      h(
        'div',
        { class: 'doc-head' },
        h('h1', { attrs: { id: 'review-h' } }, detail.document.name),
        docSelect,
        progressText,
        detail.segments.some((x) => x.codings.some((c) => c.evidence.some(isLearnedEvidence))) ? evidenceLegend() : null,
      ),
      h(
        'div',
        { class: 'keybar', attrs: { 'aria-hidden': 'true' } },
        h('span', null, kbd('j'), '/', kbd('k'), ' segment'),
        h('span', null, kbd('a'), ' accept'),
        h('span', null, kbd('r'), ' reject'),
        h('span', null, kbd('c'), ' code'),
        h('span', null, kbd('x'), ' reject all + add'),
        h('span', null, kbd('u'), ' undo'),
        h('span', null, kbd('n'), ' next undecided'),
        h('span', null, 'select text + ', kbd('c'), ' to code a span'),
      ),
      placingSlot,
      bulkCtl,
      doneSlot,
      documentNotes(ctx.projectId, detail),
      h('div', { class: 'review' }, segmentsBox, side),
    );
    updateProgress();
    renderSide();
    markCurrent();
    const s = detail.segments[cur];
    if (s) requestAnimationFrame(() => segEls.get(s.id)?.scrollIntoView({ block: 'center' }));
  }

  // Keep "Add code…" / "Code selection…" in step with the reader's selection.
  const onSelection = () => {
    const s = seg();
    if (!s) return;
    const btn = side.querySelector('[data-testid="add-code"]');
    const body = segEls.get(s.id)?.querySelector('.body');
    const selected = body ? selectionOffsets(body) !== null : false;
    if (btn?.firstChild && body) btn.firstChild.textContent = selected ? 'Code selection…' : 'Add code…';
    const place = side.querySelector('[data-testid="place-here"]');
    if (place?.firstChild) place.firstChild.textContent = selected ? 'Place on selection' : 'Place here';
  };
  document.addEventListener('selectionchange', onSelection);

  void load();

  return {
    el,
    onKey(e) {
      if (!detail) return false;
      switch (e.key) {
        case 'j':
        case 'ArrowDown':
          select(Math.min(detail.segments.length - 1, cur + 1));
          return true;
        case 'k':
        case 'ArrowUp':
          select(Math.max(0, cur - 1));
          return true;
        case 'l':
        case 'ArrowRight':
          moveProposal(1);
          return true;
        case 'h':
        case 'ArrowLeft':
          moveProposal(-1);
          return true;
        case 'a':
          void decide('accept');
          return true;
        case 'r':
          void decide('reject');
          return true;
        case 'c':
          void addCode();
          return true;
        case 'x':
          void rejectAllAndAdd();
          return true;
        case 'u':
          void undo();
          return true;
        case 'Enter':
          if (!placing) return false;
          void placeHereNow();
          return true;
        case 'Escape':
          if (!placing) return false;
          cancelPlacing();
          return true;
        case 'n': {
          const next = nextUndecided(cur + 1);
          if (next >= 0) select(next);
          else if (!openNextDocument()) {
            const earlier = nextUndecided(0);
            if (earlier >= 0) select(earlier);
            else toast('No undecided proposals left in this document.');
          }
          return true;
        }
        default:
          return false;
      }
    },
    destroy() {
      document.removeEventListener('selectionchange', onSelection);
    },
  };
}

/** Without a document id: list the tagged documents with what is left to review. */
async function chooseDocument(ctx: Ctx, el: HTMLElement): Promise<void> {
  replaceChildren(el, h('h1', { attrs: { id: 'review-h' } }, 'Review'), h('p', { class: 'muted' }, 'Loading…'));
  try {
    const { items } = await api.listDocuments(ctx.projectId, undefined, { counts: true });
    const tagged = items.filter((d) => d.status === 'TAGGED');
    replaceChildren(
      el,
      h('h1', { attrs: { id: 'review-h' } }, 'Review'),
      tagged.length === 0
        ? h('p', { class: 'banner info' }, 'No tagged documents yet. ', h('a', { attrs: { href: formatRoute('upload') } }, 'Upload transcripts'), ' first.')
        : h(
            'table',
            { attrs: { 'aria-label': 'Documents to review' } },
            h('thead', null, h('tr', null, h('th', null, 'Document'), h('th', { class: 'num' }, 'To review'), h('th', { class: 'num' }, 'Accepted'), h('th', { class: 'num' }, 'Rejected'))),
            h(
              'tbody',
              null,
              tagged.map((d) =>
                h(
                  'tr',
                  { dataset: { doc: d.name } },
                  h('td', null, h('a', { attrs: { href: formatRoute('review', d.id) } }, d.name)),
                  h('td', { class: 'num' }, d.counts?.proposed ?? ''),
                  h('td', { class: 'num' }, d.counts?.accepted ?? ''),
                  h('td', { class: 'num' }, d.counts?.rejected ?? ''),
                ),
              ),
            ),
          ),
    );
  } catch (e) {
    replaceChildren(el, h('h1', { attrs: { id: 'review-h' } }, 'Review'), errorBanner(e));
  }
}
