// The side panel for the current segment: each coding with its score, evidence and Accept / Reject, the
// "place here" question while a detached coding is being placed, and Add / Reject all / Undo.
import type { CodingView } from '../api.js';
import { codeLabel, type Ctx } from '../context.js';
import { h, kbd } from '../dom.js';
import { classifierNote, contextSupport, exampleNote, learnedWords, ruleQuotes, shownEvidence } from '../evidence.js';
import { keyOf } from '../keys.js';
import { scoreLabel } from '../proposal.js';
import { anchorNote } from './anchor.js';
import { REVIEW_KEYS, type ReviewAction } from './keys.js';
import { ordered, type Seg } from './state.js';

/** What the panel's buttons ask the view to do. */
export interface SideActions {
  decide(action: 'accept' | 'reject', c: CodingView): void;
  add(): void;
  rejectAllAndAdd(): void;
  undo(): void;
  placeHere(): void;
  cancelPlacing(): void;
}

export interface SideModel {
  seg: Seg;
  segmentCount: number;
  active: CodingView | undefined;
  placing: CodingView | null;
  /** The reader has selected text in the segment: add and place work on that span. */
  hasSelection: boolean;
  canUndo: boolean;
}

/** The key hint on a button, from the view's one key map. */
const key = (action: ReviewAction) => kbd(keyOf(REVIEW_KEYS, action));

function proposalCard(ctx: Ctx, s: Seg, c: CodingView, isActive: boolean, act: SideActions): HTMLElement {
  const evidence = ruleQuotes(c, s.text);
  // A coding narrowed to a span is explained by the span itself, not by what the rule matched around it.
  const words = learnedWords(s.text, shownEvidence(c));
  const example = c.span ? null : exampleNote(c.evidence);
  const support = c.span ? null : contextSupport(c.evidence);
  const learnt = c.span ? null : classifierNote(c.evidence);
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
    words.length
      ? h(
          'div',
          { class: 'evidence learned', attrs: { 'data-testid': 'learned-words' } },
          'Words the model learned: ',
          words.map((w, i) => [i ? ', ' : '', h('span', { class: 'learned-word' }, w)]),
        )
      : null,
    example ? h('div', { class: 'evidence example', attrs: { 'data-testid': 'example-note' } }, example[0]!.toUpperCase() + example.slice(1)) : null,
    support ? h('div', { class: 'evidence' }, `Supported by ${support}`) : null,
    learnt ? h('div', { class: 'evidence classifier' }, learnt[0]!.toUpperCase() + learnt.slice(1)) : null,
    c.span ? h('div', { class: 'evidence' }, `Span: “${s.text.slice(c.span.start, c.span.end)}”`) : null,
    anchorNote(c),
    h(
      'div',
      { class: 'toolbar tight' },
      c.status !== 'accepted'
        ? h('button', { class: 'accept', attrs: { type: 'button' }, on: { click: () => act.decide('accept', c) } }, 'Accept', isActive ? key('accept') : null)
        : null,
      c.status !== 'rejected'
        ? h('button', { class: 'reject', attrs: { type: 'button' }, on: { click: () => act.decide('reject', c) } }, 'Reject', isActive ? key('reject') : null)
        : null,
    ),
  );
}

/** "Place … on this segment?" while a detached coding is being placed. */
function placeHereBanner(ctx: Ctx, placing: CodingView, hasSelection: boolean, act: SideActions): HTMLElement {
  return h(
    'div',
    { class: 'banner info' },
    `Place “${codeLabel(ctx, placing.code)}” (${placing.status}) on this segment${hasSelection ? ' — on the selected text' : ''}? `,
    h(
      'div',
      { class: 'toolbar tight' },
      h(
        'button',
        { class: 'primary', attrs: { type: 'button', 'data-testid': 'place-here' }, on: { click: () => act.placeHere() } },
        hasSelection ? 'Place on selection' : 'Place here',
        key('placeHere'),
      ),
      h('button', { attrs: { type: 'button' }, on: { click: () => act.cancelPlacing() } }, 'Cancel', key('cancelPlacing')),
    ),
  );
}

/** The panel; `conflictSlot` (kept by the view across renders) shows a 409 or an error. */
export function sidePanel(ctx: Ctx, m: SideModel, conflictSlot: HTMLElement, act: SideActions): HTMLElement {
  const s = m.seg;
  const proposals = ordered(s.codings).map((c) => proposalCard(ctx, s, c, m.active?.id === c.id, act));
  return h(
    'div',
    { class: 'panel' },
    h('h3', null, `Segment ${s.index + 1} of ${m.segmentCount}`, s.respondent ? ` · ${s.respondent}` : ''),
    conflictSlot,
    m.placing ? placeHereBanner(ctx, m.placing, m.hasSelection, act) : null,
    proposals.length ? proposals : h('p', { class: 'muted' }, 'No codes on this segment.'),
    h(
      'div',
      { class: 'toolbar tight' },
      h(
        'button',
        { attrs: { type: 'button', 'data-testid': 'add-code' }, on: { click: () => act.add() } },
        m.hasSelection ? 'Code selection…' : 'Add code…',
        key('add'),
      ),
      s.codings.some((c) => c.status === 'proposed')
        ? h(
            'button',
            { attrs: { type: 'button', 'data-testid': 'reject-all-add' }, on: { click: () => act.rejectAllAndAdd() } },
            'Reject all, add…',
            key('rejectAllAndAdd'),
          )
        : null,
      h('button', { attrs: { type: 'button', disabled: !m.canUndo }, on: { click: () => act.undo() } }, 'Undo', key('undo')),
    ),
  );
}
