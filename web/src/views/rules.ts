// Rules: terms the learner proposes per code from the project's reviewed decisions, with their figures
// and example passages. The researcher ticks the terms they agree with and adds them to the codebook:
// a new codebook version, after which every document is re-tagged (decisions are kept).
import type { ApplyRuleTermsResult, CodeRuleSuggestions, RuleSuggestion, RuleSuggestionExample } from '../../../lib/api/contract.js';
import { api, type RuleSuggestions } from '../api.js';
import type { Ctx, View } from '../context.js';
import { h, replaceChildren, toast } from '../dom.js';
import { errorBanner } from '../errors.js';
import { ApiError } from '../http.js';
import { formatRoute, type Route } from '../route.js';
import { markedText } from '../segtext.js';

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function example(e: RuleSuggestionExample): HTMLElement {
  const text = markedText(e.excerpt, e.match ? [{ ...e.match, key: 'term' }] : [], 'quote small');
  if (e.clippedStart) text.prepend('… ');
  if (e.clippedEnd) text.append(' …');
  return h(
    'li',
    null,
    text,
    h(
      'a',
      { class: 'small', attrs: { href: formatRoute('review', e.documentId, { segment: e.segmentId }) } },
      `${e.documentName}, passage ${e.segmentIndex + 1}`,
    ),
  );
}

export function rulesView(ctx: Ctx, route: Route): View {
  const minSupport = Number(route.query.get('minSupport')) || undefined;
  const body = h('div', null, h('p', { class: 'muted' }, 'Learning from your decisions…'));
  const result = h('div', { attrs: { 'aria-live': 'polite', 'data-testid': 'apply-result' } });
  /** Checked terms: code → rules. */
  const chosen = new Map<string, Set<string>>();
  let data: RuleSuggestions | null = null;
  const count = h('span', { class: 'count', attrs: { 'data-testid': 'selected-count' } }, 'No terms selected');
  const applyButton: HTMLButtonElement = h(
    'button',
    { class: 'primary', attrs: { type: 'button', disabled: true, 'data-testid': 'apply-terms' }, on: { click: () => void apply() } },
    'Add selected terms to the codebook',
  );

  function selected(): Array<{ code: string; rule: string }> {
    return [...chosen].flatMap(([code, rules]) => [...rules].map((rule) => ({ code, rule })));
  }

  function updateCount(): void {
    const n = selected().length;
    count.textContent = n ? `${plural(n, 'term')} selected` : 'No terms selected';
    applyButton.disabled = n === 0;
  }

  function termRow(code: CodeRuleSuggestions, s: RuleSuggestion): HTMLElement {
    const id = `term-${code.code}-${s.rule}`.replace(/[^A-Za-z0-9_-]/g, '_');
    const box = h('input', {
      attrs: { type: 'checkbox', id, 'data-rule': s.rule },
      on: {
        change: () => {
          const set = chosen.get(code.code) ?? chosen.set(code.code, new Set()).get(code.code)!;
          if (box.checked) set.add(s.rule);
          else set.delete(s.rule);
          updateCount();
        },
      },
    });
    return h(
      'tr',
      { dataset: { rule: s.rule } },
      h('td', null, box),
      h('td', null, h('label', { attrs: { for: id } }, h('code', null, s.rule))),
      h('td', { class: 'num', attrs: { title: 'Accepted passages of this code the term matches' } }, s.support),
      h(
        'td',
        {
          class: 'num',
          attrs: {
            title: `support / (support + other reviewed passages it matches: ${s.otherMatches}${s.rejectedMatches ? `, ${s.rejectedMatches} with this code rejected` : ''})`,
          },
        },
        pct(s.precision),
      ),
      h('td', { class: 'num', attrs: { title: 'Accepted passages the tagger does not propose this code for now, that the term matches' } }, s.unproposed),
      h('td', null, h('ul', { class: 'examples' }, s.examples.map(example))),
    );
  }

  function codeSection(c: CodeRuleSuggestions): HTMLElement {
    return h(
      'section',
      { class: 'panel', dataset: { code: c.code }, attrs: { 'aria-label': c.name } },
      h('h2', null, c.name, ' ', h('span', { class: 'count' }, c.code)),
      h(
        'p',
        { class: 'muted small' },
        `${plural(c.accepted, 'accepted passage')}, ${c.rejected} rejected; the tagger does not propose this code yet for ${c.unproposed} of the accepted passages. `,
        c.ownRules ? 'Current rules: ' : 'Rules suggested from its name and indicators (written into the code when you add terms): ',
        c.rules.length ? h('code', null, c.rules.join(', ')) : 'none',
      ),
      h(
        'table',
        { attrs: { 'aria-label': `Learnt terms for ${c.name}` } },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', null, h('span', { class: 'visually-hidden' }, 'Add')),
            h('th', null, 'Term'),
            h('th', { class: 'num' }, 'Support'),
            h('th', { class: 'num' }, 'Precision'),
            h('th', { class: 'num' }, 'Not proposed yet'),
            h('th', null, 'Accepted passages it matches'),
          ),
        ),
        h(
          'tbody',
          null,
          c.suggestions.map((s) => termRow(c, s)),
        ),
      ),
    );
  }

  function render(d: RuleSuggestions): void {
    const withTerms = d.codes.filter((c) => c.suggestions.length);
    const without = d.codes.filter((c) => !c.suggestions.length);
    chosen.clear();
    updateCount();
    if (!withTerms.length) {
      // Too few decisions, or enough of them and the rules in force already find what they have in common.
      const tooFew = d.codes.every((c) => c.accepted < d.minSupport);
      replaceChildren(
        body,
        h(
          'div',
          { class: 'banner info', attrs: { 'data-testid': 'rules-empty' } },
          tooFew
            ? `Too few decisions to learn from: accept or add codes on at least ${d.minSupport} passages per code first.`
            : "No new rule terms: the codes' rules already match what their accepted passages have in common. More decisions can bring new terms.",
          h(
            'span',
            { class: 'hint' },
            `${plural(d.segments, 'reviewed passage')} so far. A term is proposed when it occurs in at least ${d.minSupport} accepted passages of a code, more often than in the other reviewed passages, and the code's rules do not match it yet.`,
          ),
        ),
        h('p', null, h('a', { attrs: { href: formatRoute('queue') } }, 'Review proposals in the queue')),
      );
      return;
    }
    replaceChildren(
      body,
      h(
        'p',
        { class: 'muted small' },
        `Learnt from ${plural(d.segments, 'reviewed passage')} (codebook version ${d.codebookVersion}). Support: accepted passages of the code the term matches. Precision: of all reviewed passages it matches, the share accepted under this code. Not proposed yet: accepted passages the tagger misses now that the term would find. These are proposals — add only the terms you agree with.`,
      ),
      withTerms.map(codeSection),
      without.length
        ? h('p', { class: 'muted small' }, `No new terms for: ${without.map((c) => `${c.name} (${plural(c.accepted, 'accepted passage')})`).join(', ')}.`)
        : null,
    );
  }

  async function load(): Promise<void> {
    try {
      data = await api.ruleSuggestions({ projectId: ctx.projectId, query: minSupport ? { minSupport } : {} });
      render(data);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        replaceChildren(
          body,
          h(
            'div',
            { class: 'banner info' },
            'This project has no codebook yet. Upload one in ',
            h('a', { attrs: { href: formatRoute('upload') } }, 'Upload'),
            ' first.',
          ),
        );
      } else replaceChildren(body, errorBanner(e, 'Cannot learn rule terms'));
    }
  }

  function showApplied(r: ApplyRuleTermsResult): void {
    const names = (code: string) => ctx.codebook?.codes.get(code)?.name ?? code;
    replaceChildren(
      result,
      h(
        'div',
        { class: 'banner info', attrs: { role: 'status' } },
        h('strong', null, `New codebook version ${r.version}`),
        ` (was ${r.previousVersion}). Added `,
        r.added.map((a, i) => [i ? '; ' : '', `${names(a.code)}: `, h('code', null, a.rules.join(', '))]),
        '. ',
        r.retag.requested
          ? `Re-tagging ${plural(r.retag.documents, 'document')} runs now: proposals update as each document finishes; your decisions are kept.`
          : 'Nothing to re-tag.',
        r.unchanged.length ? h('span', { class: 'hint' }, `Already rules: ${r.unchanged.map((u) => u.rule).join(', ')}.`) : null,
      ),
    );
  }

  async function apply(): Promise<void> {
    const terms = selected();
    if (!data || !terms.length) return;
    applyButton.disabled = true;
    try {
      const r = await api.applyRuleTerms({ projectId: ctx.projectId, body: { baseVersion: data.codebookVersion, terms } });
      await ctx.reloadCodebook().catch(() => undefined);
      showApplied(r);
      toast(`Codebook version ${r.version} saved`);
      await load();
    } catch (e) {
      replaceChildren(result, errorBanner(e, e instanceof ApiError && e.status === 409 ? 'The codebook changed meanwhile' : 'Cannot add the terms'));
      if (e instanceof ApiError && e.status === 409) await load();
      else updateCount();
    }
  }

  const el = h(
    'section',
    { attrs: { 'aria-labelledby': 'rules-h' } },
    h('div', { class: 'toolbar' }, h('h1', { attrs: { id: 'rules-h' } }, 'Rules learnt from your decisions')),
    result,
    h('div', { class: 'toolbar', attrs: { role: 'group', 'aria-label': 'Apply' } }, applyButton, count),
    body,
  );
  void load();
  return { el };
}
