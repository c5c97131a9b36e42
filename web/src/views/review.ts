// Review one document: segments in reading order, proposed codes with score and highlighted
// evidence, accept / reject / add (whole segment or a selected span) / undo — keyboard first.
// The state and its transitions live in review/state.ts, the rendering in review/*.ts, the keys in
// review/keys.ts; this file wires them to the API and the page.
import type { DecisionBody } from '../../../lib/api/contract.js';
import { api, type CodingView } from '../api.js';
import { bulkAcceptControl } from '../bulk.js';
import { codeLabel, type Ctx, type View } from '../context.js';
import { conflictBanner, sendDecision } from '../decisions.js';
import { documentNotes } from '../document-notes.js';
import { h, replaceChildren, toast } from '../dom.js';
import { errorBanner } from '../errors.js';
import { isLearnedEvidence } from '../evidence.js';
import { dispatch, keyBar, keysHelp, type KeyHandlers } from '../keys.js';
import { pickCode } from '../picker.js';
import { evidenceLegend } from '../proposal.js';
import { detachedSection, placingBanner } from '../review/detached.js';
import { chooseDocument, documentMenu, doneBanner } from '../review/document.js';
import { REVIEW_KEY_BAR, REVIEW_KEYS, type ReviewAction } from '../review/keys.js';
import { nextDocumentToReview } from '../review/next-document.js';
import { markCurrent, segmentArticle } from '../review/segment.js';
import { sidePanel } from '../review/side.js';
import * as st from '../review/state.js';
import { undoableFromTrail, type UndoEntry, type UndoItem } from '../review/undo-trail.js';
import { formatRoute, type Route } from '../route.js';
import { selectionOffsets } from '../selection.js';

export function reviewView(ctx: Ctx, route: Route): View {
  const el = h('section', { attrs: { 'aria-labelledby': 'review-h' } });
  if (!route.id) {
    void chooseDocument(ctx, el);
    return { el };
  }
  const documentId = route.id;
  const state = st.initialState(documentId);
  const segEls = new Map<string, HTMLElement>();
  const segmentsBox = h('div', { class: 'segments', attrs: { role: 'list', 'aria-label': 'Segments' } });
  const side = h('aside', { class: 'side', attrs: { 'aria-label': 'Current segment' } });
  const conflictSlot = h('div', { attrs: { 'aria-live': 'assertive' } });
  const progressText = h('span', { class: 'muted', attrs: { 'data-testid': 'progress' } });
  const placingSlot = h('div', { attrs: { 'aria-live': 'polite' } });
  const doneSlot = h('div', { attrs: { 'aria-live': 'polite' } });
  // Made once: its Undo for the last batch survives the re-render after the batch.
  const bulkCtl = bulkAcceptControl(ctx, {
    documentId,
    onChange: () => void reload().catch((e: unknown) => replaceChildren(conflictSlot, errorBanner(e, 'Cannot reload the document'))),
  });
  // Made once, so it stays open across renders. Collapsed by default: the key bar shows the everyday keys.
  const keysPanel = h(
    'details',
    { class: 'panel keys-panel', attrs: { 'aria-label': 'Keyboard shortcuts' } },
    h('summary', null, 'All keys'),
    keysHelp(REVIEW_KEYS),
  );

  const seg = () => st.currentSegment(state);
  const segBody = (s: st.Seg) => segEls.get(s.id)?.querySelector('.body') ?? null;
  const selectedSpan = (s: st.Seg) => {
    const body = segBody(s);
    return body ? selectionOffsets(body) : null;
  };
  /** A decision's `span`: the selected text, unless it covers the whole segment (then none). */
  const narrowedTo = (s: st.Seg, span: ReturnType<typeof selectedSpan>) => (span && !(span.start === 0 && span.end === s.text.length) ? { span } : {});

  function renderSegment(index: number): HTMLElement | null {
    const s = state.detail?.segments[index];
    if (!s) return null;
    const isCur = index === state.cur;
    return segmentArticle(ctx, s, index, isCur, isCur ? st.activeCoding(state) : undefined, (i) => {
      if (i !== state.cur) select(i, false);
    });
  }

  function replaceSegment(index: number): void {
    const s = state.detail?.segments[index];
    const fresh = renderSegment(index);
    if (!s || !fresh) return;
    segEls.get(s.id)?.replaceWith(fresh);
    segEls.set(s.id, fresh);
  }

  function renderSide(): void {
    const s = seg();
    if (!s || !state.detail) {
      replaceChildren(side, keysPanel);
      return;
    }
    const model = {
      seg: s,
      segmentCount: state.detail.segments.length,
      active: st.activeCoding(state),
      placing: state.placing,
      hasSelection: selectedSpan(s) !== null,
      canUndo: state.undo.length > 0,
    };
    const actions = {
      decide: (action: 'accept' | 'reject', c: CodingView) => void decide(action, c),
      add: () => void addCode(),
      rejectAllAndAdd: () => void rejectAllAndAdd(),
      undo: () => void undo(),
      placeHere: () => void placeHereNow(),
      cancelPlacing: () => cancelPlacing(),
    };
    replaceChildren(side, sidePanel(ctx, model, conflictSlot, actions), keysPanel);
  }

  function updateProgress(): void {
    if (!state.detail) return;
    const { decided, proposed } = st.progress(state);
    progressText.textContent = `${decided} decided · ${proposed} to review`;
    // The document menu says the same for this document.
    const option = el.querySelector<HTMLOptionElement>('select[aria-label=Document] option:checked');
    if (option) option.textContent = `${state.detail.document.name} (${proposed} to review)`;
  }

  function renderMarks(): void {
    if (state.detail) markCurrent(state.detail.segments, segEls, state.cur, st.activeCoding(state));
  }

  function renderDone(): void {
    replaceChildren(
      doneSlot,
      state.nextDoc || st.undecidedCount(state) === 0 ? doneBanner(state.detail, st.codingCount(state), state.nextDoc, () => openNextDocument()) : null,
    );
  }

  function renderPlacing(): void {
    replaceChildren(placingSlot, placingBanner(ctx, state.placing));
  }

  function renderAll(): void {
    const detail = state.detail;
    if (!detail) return;
    segEls.clear();
    replaceChildren(
      segmentsBox,
      detail.segments.map((s, i) => {
        const e = renderSegment(i)!;
        segEls.set(s.id, e);
        return e;
      }),
    );
    if (detail.segments.length === 0) segmentsBox.append(h('p', { class: 'muted' }, 'This document has no segments.'));
    if (detail.detached?.length) {
      segmentsBox.append(detachedSection(ctx, detail.detached, { place: startPlacing, drop: (c) => void drop(c) }, state.placing?.id ?? null));
    }
    replaceChildren(
      el,
      h(
        'div',
        { class: 'doc-head' },
        h('h1', { attrs: { id: 'review-h' } }, detail.document.name),
        documentMenu(ctx, state.docs, documentId),
        progressText,
        detail.segments.some((x) => x.codings.some((c) => c.evidence.some(isLearnedEvidence))) ? evidenceLegend() : null,
      ),
      keyBar(REVIEW_KEYS, REVIEW_KEY_BAR),
      placingSlot,
      bulkCtl,
      doneSlot,
      documentNotes(ctx.projectId, detail),
      h('div', { class: 'review' }, segmentsBox, side),
    );
    updateProgress();
    renderSide();
    renderMarks();
    const s = detail.segments[state.cur];
    if (s) requestAnimationFrame(() => segEls.get(s.id)?.scrollIntoView({ block: 'center' }));
  }

  function select(index: number, scroll = true): void {
    if (!st.selectSegment(state, index)) return;
    renderMarks();
    renderSide();
    const s = seg()!;
    const segEl = segEls.get(s.id);
    if (scroll) {
      segEl?.scrollIntoView({ block: 'nearest' });
      segEl?.focus({ preventScroll: true });
    }
    history.replaceState(null, '', formatRoute('review', documentId, { segment: s.id }));
  }

  function moveProposal(delta: number): void {
    if (!st.moveProposal(state, delta)) return;
    renderMarks();
    renderSide();
  }

  function applyCoding(segIndex: number, codingId: string, coding: CodingView | null): void {
    if (!state.detail?.segments[segIndex]) return;
    st.applyCoding(state, segIndex, codingId, coding);
    replaceSegment(segIndex);
    updateProgress();
  }

  async function run(body: DecisionBody, codeId: string, segIndex: number, codingId: string | null): Promise<CodingView | null | 'failed'> {
    state.busy = true;
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
        if (segIndex !== state.cur) select(segIndex);
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
      state.busy = false;
    }
  }

  /** One decision on a proposal; returns false when it was not saved (the banner says why). */
  async function decideOne(action: 'accept' | 'reject', c: CodingView): Promise<boolean> {
    const result = await run({ action, documentId, codingId: c.id, version: c.version }, c.code, st.segIndexOf(state, c.segmentId), c.id);
    return result !== 'failed';
  }

  async function decide(action: 'accept' | 'reject', coding?: CodingView): Promise<void> {
    const c = coding ?? st.activeCoding(state);
    if (!c || !seg() || state.busy) return;
    const segIndex = st.segIndexOf(state, c.segmentId);
    if (!(await decideOne(action, c))) return;
    st.recordDecision(state, { codingId: c.id, code: c.code, action });
    toast(`${action === 'accept' ? 'Accepted' : 'Rejected'} ${codeLabel(ctx, c.code)} — press u to undo`);
    afterDecision(segIndex);
  }

  /** Stay on the segment while it has undecided proposals; then the next one that has; after the last, offer the next document. */
  function afterDecision(segIndex: number): void {
    const next = st.afterDecision(state, segIndex);
    if (next.kind === 'select') select(next.index);
    else renderSide();
    if (next.kind === 'done') void offerNextDocument();
  }

  /** The document is fully decided: a banner with the next document that has undecided proposals. */
  async function offerNextDocument(): Promise<void> {
    try {
      state.docs = (await api.listDocuments({ projectId: ctx.projectId, query: { limit: 500, counts: 'true' } })).items;
    } catch {
      /* keep the list we have */
    }
    state.nextDoc = nextDocumentToReview(state.docs, documentId);
    renderDone();
  }

  function openNextDocument(): boolean {
    if (!state.nextDoc) return false;
    ctx.navigate(formatRoute('review', state.nextDoc.id));
    return true;
  }

  /**
   * "None of these, it is that": rejects every undecided proposal of the segment, then opens the code picker.
   * The rejections and the added code are one entry of the undo list.
   */
  async function rejectAllAndAdd(): Promise<void> {
    const s = seg();
    if (!s || state.busy) return;
    const entry: UndoEntry = { items: [] };
    const open = s.codings.filter((c) => c.status === 'proposed');
    for (const c of open) {
      if (!(await decideOne('reject', c))) break;
      entry.items.push({ codingId: c.id, code: c.code, action: 'reject' });
    }
    st.recordRejectAll(state, entry);
    if (entry.items.length < open.length) return;
    state.activeCodingId = null;
    renderSide();
    await addCode(entry);
  }

  /** Adds a code (to the selected span, if any). With `joinTo`, the add joins that undo entry (reject all and add). */
  async function addCode(joinTo?: UndoEntry): Promise<void> {
    const s = seg();
    if (!s || state.busy) return;
    if (!ctx.codebook) {
      toast('This project has no codebook yet: upload one first.', 'error');
      return;
    }
    const span = selectedSpan(s);
    const code = await pickCode(ctx.codebook, span ? `Code “${s.text.slice(span.start, span.end).slice(0, 60)}”` : `Add a code to segment ${s.index + 1}`);
    segEls.get(s.id)?.focus({ preventScroll: true });
    if (!code) {
      if (joinTo?.items.length) toast(`Rejected ${joinTo.items.length} proposal(s); no code added — press u to undo`);
      if (joinTo) afterDecision(state.cur);
      return;
    }
    const req: DecisionBody = { action: 'add', documentId, segmentId: s.id, code, ...narrowedTo(s, span) };
    const segIndex = state.cur;
    const result = await run(req, code, segIndex, null);
    if (result === 'failed' || result === null) return;
    window.getSelection()?.removeAllRanges();
    const item: UndoItem = { codingId: result.id, code, action: 'add' };
    st.recordAdd(state, item, codeLabel(ctx, code), joinTo);
    toast(`Added ${codeLabel(ctx, code)}${joinTo?.items.length ? ` after rejecting ${joinTo.items.length - 1}` : ''} — press u to undo`);
    replaceSegment(segIndex);
    // The added code is decided already: `a` / `r` go on with the next undecided proposal, not the new code.
    // A plain add stays on the segment (another code may follow); after "reject all and add" the segment is done.
    if (joinTo) afterDecision(segIndex);
    else {
      state.activeCodingId = null;
      renderSide();
    }
  }

  /** Undoes the last entry of the undo list (newest decision first), one coding after another. */
  async function undo(): Promise<void> {
    const last = state.undo.at(-1);
    if (!last || !state.detail || state.busy) {
      if (!last) toast('Nothing to undo.');
      return;
    }
    const what = st.undoLabel(last, (code) => codeLabel(ctx, code));
    let landedAt = -1;
    for (const item of [...last.items].reverse()) {
      const done = await undoItem(item);
      if (done === 'failed') return;
      last.items.pop();
      if (done >= 0) landedAt = done;
    }
    st.undone(state);
    replaceChildren(doneSlot);
    toast(`Undid ${what}`);
    if (landedAt >= 0 && landedAt !== state.cur) select(landedAt);
    else {
      replaceSegment(state.cur);
      renderSide();
    }
  }

  /** Undoes one decision; returns the segment index it was on (-1 when the coding is gone), or 'failed'. */
  async function undoItem(item: UndoItem): Promise<number | 'failed'> {
    if (!state.detail) return 'failed';
    const found = st.locateCoding(state, item.codingId);
    if (!found) return -1;
    const { segIndex, coding } = found;
    const body: DecisionBody = { action: 'undo', documentId, codingId: coding.id, version: coding.version };
    if (item.action === 'place') {
      // The coding goes back to the detached list (and a proposal it replaced comes back): re-read the document.
      return (await runAndReload(body, coding.code)) === 'failed' ? 'failed' : -1;
    }
    const result = await run(body, coding.code, segIndex, coding.id);
    if (result === 'failed') return 'failed';
    state.activeCodingId = result?.id ?? null;
    return segIndex;
  }

  /** After a reload or a restart: the reviewer's standing decisions in this document, from the audit trail. */
  async function undoFromTrail(): Promise<void> {
    try {
      const [me, trail] = await Promise.all([api.me({}), api.audit({ projectId: ctx.projectId, query: { document: documentId, limit: 500 } })]);
      st.adoptTrail(state, undoableFromTrail(trail.items, me.userId));
      renderSide();
    } catch {
      /* without the trail, undo covers this visit only */
    }
  }

  /** Reads the document again (a place, drop or its undo moves codings between the text and the detached list). */
  async function reload(): Promise<void> {
    st.reloaded(state, await api.getDocument({ projectId: ctx.projectId, documentId }));
    renderAll();
  }

  function startPlacing(c: CodingView): void {
    if (state.busy || !state.detail || state.detail.segments.length === 0) return;
    state.placing = c;
    renderPlacing();
    renderAll();
    select(state.cur);
  }

  function cancelPlacing(): void {
    state.placing = null;
    renderPlacing();
    renderAll();
  }

  /** Sends a place / drop / undo-of-a-place and re-reads the document; a 409 shows the banner. */
  async function runAndReload(body: DecisionBody, codeId: string): Promise<CodingView | null | 'failed'> {
    state.busy = true;
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
      state.busy = false;
    }
  }

  async function placeHereNow(): Promise<void> {
    const s = seg();
    const c = state.placing;
    if (!s || !c || state.busy) return;
    const narrowed = narrowedTo(s, selectedSpan(s));
    state.placing = null;
    renderPlacing();
    const result = await runAndReload({ action: 'place', documentId, codingId: c.id, version: c.version, segmentId: s.id, ...narrowed }, c.code);
    if (result === 'failed' || result === null) return;
    window.getSelection()?.removeAllRanges();
    st.recordDecision(state, { codingId: result.id, code: c.code, action: 'place' });
    state.activeCodingId = result.id;
    renderSide();
    toast(`Placed ${codeLabel(ctx, c.code)} on segment ${s.index + 1} — press u to undo`);
  }

  async function drop(c: CodingView): Promise<void> {
    if (state.busy) return;
    if (state.placing?.id === c.id) state.placing = null;
    renderPlacing();
    const result = await runAndReload({ action: 'drop', documentId, codingId: c.id, version: c.version }, c.code);
    if (result !== 'failed') toast(`Dropped ${codeLabel(ctx, c.code)}; its history stays in the audit trail`);
  }

  async function load(): Promise<void> {
    replaceChildren(el, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const [d, list] = await Promise.all([
        api.getDocument({ projectId: ctx.projectId, documentId }),
        api.listDocuments({ projectId: ctx.projectId, query: { limit: 500, counts: 'true' } }),
      ]);
      st.opened(state, d, list.items, route.query.get('segment'));
      renderAll();
      if (st.isDocumentDone(state)) {
        state.nextDoc = nextDocumentToReview(state.docs, documentId);
        renderDone();
      }
      void undoFromTrail();
    } catch (e) {
      replaceChildren(el, h('h1', { attrs: { id: 'review-h' } }, 'Review'), errorBanner(e, 'Cannot open the document'));
    }
  }

  // Keep "Add code…" / "Code selection…" in step with the reader's selection.
  const onSelection = () => {
    const s = seg();
    if (!s) return;
    const btn = side.querySelector('[data-testid="add-code"]');
    const body = segBody(s);
    const selected = body ? selectionOffsets(body) !== null : false;
    if (btn?.firstChild && body) btn.firstChild.textContent = selected ? 'Code selection…' : 'Add code…';
    const place = side.querySelector('[data-testid="place-here"]');
    if (place?.firstChild) place.firstChild.textContent = selected ? 'Place on selection' : 'Place here';
  };
  document.addEventListener('selectionchange', onSelection);

  // Every key of REVIEW_KEYS has its handler here (the type says so); false leaves the key to the browser.
  const handlers: KeyHandlers<ReviewAction> = {
    nextSegment: () => select(Math.min(state.detail!.segments.length - 1, state.cur + 1)),
    previousSegment: () => select(Math.max(0, state.cur - 1)),
    nextProposal: () => moveProposal(1),
    previousProposal: () => moveProposal(-1),
    accept: () => void decide('accept'),
    reject: () => void decide('reject'),
    add: () => void addCode(),
    rejectAllAndAdd: () => void rejectAllAndAdd(),
    undo: () => void undo(),
    placeHere: () => {
      if (!state.placing) return false;
      void placeHereNow();
    },
    cancelPlacing: () => {
      if (!state.placing) return false;
      cancelPlacing();
    },
    nextUndecided: () => {
      const step = st.nextStep(state);
      if (step.kind === 'select') select(step.index);
      else if (step.kind === 'open') openNextDocument();
      else toast('No undecided proposals left in this document.');
    },
  };

  void load();

  return {
    el,
    onKey: (e) => state.detail !== null && dispatch(REVIEW_KEYS, handlers, e.key),
    destroy() {
      document.removeEventListener('selectionchange', onSelection);
    },
  };
}
