// Projects: the researcher's projects (open one), a new project (name, coding unit, codebook file), and on
// AWS the members of the current project. The first page a new user sees when they have no project yet.
import { api, type CodebookUploadResult, type ProjectView } from '../api.js';
import { plainCodebookError } from '../codebook-errors.js';
import type { Ctx, View } from '../context.js';
import { h, replaceChildren, toast } from '../dom.js';
import { errorBanner } from '../errors.js';
import { ApiError } from '../http.js';
import type { Route } from '../route.js';

const UNITS: ReadonlyArray<{ value: '' | NonNullable<ProjectView['segmentUnit']>; label: string }> = [
  { value: '', label: 'Automatic: speaker turns for transcripts, paragraphs for documents' },
  { value: 'turn', label: 'Speaker turn' },
  { value: 'paragraph', label: 'Paragraph' },
  { value: 'sentence', label: 'Sentence' },
];
const unitLabel = (u: ProjectView['segmentUnit']) => UNITS.find((x) => x.value === (u ?? ''))?.label ?? String(u);

/** A project id from its name: lower case, letters and digits, dashes between words (the API's id rule). */
export function projectIdFrom(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** Uploads a codebook file to a project; a refusal is shown in plain words (file, place, problem). */
export async function uploadCodebookFile(
  projectId: string,
  file: File,
): Promise<{ ok: true; result: CodebookUploadResult } | { ok: false; banner: HTMLElement }> {
  try {
    return { ok: true, result: await api.uploadCodebook({ projectId, body: { fileName: file.name, content: await file.text(), retag: true } }) };
  } catch (e) {
    if (!(e instanceof ApiError) || e.status >= 500 || e.status === 0) return { ok: false, banner: errorBanner(e, `${file.name} was not stored`) };
    const plain = plainCodebookError(file.name, e.message, e.where, e.hint);
    return {
      ok: false,
      banner: h(
        'div',
        { class: 'banner error', attrs: { role: 'alert', 'data-testid': 'codebook-error' } },
        h('strong', null, 'The codebook was not stored. '),
        plain.text,
        plain.hint ? h('span', { class: 'hint' }, plain.hint) : null,
        h('span', { class: 'hint' }, 'Fix the file and choose it again.'),
      ),
    };
  }
}

export function projectsView(ctx: Ctx, _route: Route): View {
  const listSlot = h('div');
  const formMsg = h('div', { attrs: { 'aria-live': 'polite' } });
  const membersSlot = h('div');

  const name = h('input', {
    attrs: { type: 'text', id: 'project-name', required: true, maxlength: 200, autocomplete: 'off', placeholder: 'e.g. Thesis interviews 2026' },
  });
  const id = h('input', { attrs: { type: 'text', id: 'project-id', required: true, maxlength: 63, autocomplete: 'off', spellcheck: 'false' } });
  let idTouched = false;
  name.addEventListener('input', () => {
    if (!idTouched) id.value = projectIdFrom(name.value);
  });
  id.addEventListener('input', () => (idTouched = id.value !== ''));
  const unit = h(
    'select',
    { attrs: { id: 'project-unit' } },
    UNITS.map((u) => h('option', { attrs: { value: u.value } }, u.label)),
  );
  const codebook = h('input', { attrs: { type: 'file', id: 'project-codebook', accept: '.yaml,.yml,.csv,.qdc' } });
  const create = h('button', { class: 'primary', attrs: { type: 'submit', 'data-testid': 'create-project' } }, 'Create project');

  async function onCreate(e: Event): Promise<void> {
    e.preventDefault();
    const projectId = id.value.trim() || projectIdFrom(name.value);
    if (!name.value.trim() || !projectId) {
      replaceChildren(formMsg, h('div', { class: 'banner error', attrs: { role: 'alert' } }, 'Give the project a name (letters or digits).'));
      return;
    }
    create.disabled = true;
    replaceChildren(formMsg, h('p', { class: 'muted' }, 'Creating the project…'));
    try {
      const unitValue = unit.value as (typeof UNITS)[number]['value'];
      await api.createProject({ body: { id: projectId, name: name.value.trim(), ...(unitValue ? { unit: unitValue } : {}) } });
    } catch (err) {
      create.disabled = false;
      const taken = err instanceof ApiError && err.status === 409;
      replaceChildren(
        formMsg,
        taken
          ? h('div', { class: 'banner error', attrs: { role: 'alert' } }, `A project with the id “${projectId}” exists already: choose another id.`)
          : errorBanner(err, 'The project was not created'),
      );
      return;
    }
    await ctx.reloadProjects();
    const file = codebook.files?.[0];
    if (file) {
      const up = await uploadCodebookFile(projectId, file);
      if (!up.ok) {
        // The project exists and is the current one; stay on this page (no re-render) with the error and a
        // place to choose the corrected file.
        ctx.projectId = projectId;
        await ctx.reloadProjects();
        await ctx.reloadCodebook().catch(() => undefined);
        void load();
        create.disabled = false;
        replaceChildren(formMsg, h('p', { class: 'banner info' }, `Project “${name.value.trim()}” was created.`), up.banner, codebookRetry(projectId));
        return;
      }
      toast(`Created ${name.value.trim()} with a codebook of ${up.result.codeCount} codes — now upload transcripts`);
    } else toast(`Created ${name.value.trim()} — upload a codebook and transcripts`);
    await ctx.switchProject(projectId, '#/upload');
  }

  /** After a refused codebook: choose a corrected file for the new project right here. */
  function codebookRetry(projectId: string): HTMLElement {
    const input = h('input', {
      attrs: { type: 'file', accept: '.yaml,.yml,.csv,.qdc', 'aria-label': 'Corrected codebook file', 'data-testid': 'codebook-retry' },
    });
    const msg = h('div', { attrs: { 'aria-live': 'polite' } });
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      if (!file) return;
      replaceChildren(msg, h('p', { class: 'muted' }, `Uploading ${file.name}…`));
      const up = await uploadCodebookFile(projectId, file);
      if (!up.ok) {
        replaceChildren(msg, up.banner);
        return;
      }
      toast(`Codebook stored: ${up.result.codeCount} codes — now upload transcripts`);
      await ctx.switchProject(projectId, '#/upload');
    });
    return h('label', { class: 'field' }, 'Corrected codebook ', input, msg);
  }

  const form = h(
    'form',
    { class: 'panel new-project', attrs: { 'aria-labelledby': 'new-project-h' }, on: { submit: (e) => void onCreate(e) } },
    h('h2', { attrs: { id: 'new-project-h' } }, 'New project'),
    h('label', { class: 'field', attrs: { for: 'project-name' } }, 'Name'),
    name,
    h(
      'label',
      { class: 'field', attrs: { for: 'project-id' } },
      'Id ',
      h('span', { class: 'muted small' }, '(in links and the CLI: lower-case letters, digits, dashes)'),
    ),
    id,
    h('label', { class: 'field', attrs: { for: 'project-unit' } }, 'Coding unit ', h('span', { class: 'muted small' }, '(what one coded passage is)')),
    unit,
    h(
      'label',
      { class: 'field', attrs: { for: 'project-codebook' } },
      'Codebook ',
      h('span', { class: 'muted small' }, '(YAML, CSV or REFI-QDA .qdc; you can also add it later)'),
    ),
    codebook,
    h('div', { class: 'toolbar' }, create),
    formMsg,
  );

  function renderList(details: Map<string, { documents: number }>): void {
    replaceChildren(
      listSlot,
      ctx.projects.length === 0
        ? h(
            'p',
            { class: 'banner info' },
            'You have no project yet. Make one on the right: give it a name, choose the coding unit and, if you have it, your codebook.',
          )
        : h(
            'table',
            { attrs: { 'aria-label': 'Projects' } },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', null, 'Project'),
                h('th', null, 'Coding unit'),
                h('th', null, 'Codebook'),
                h('th', { class: 'num' }, 'Documents'),
                h('th', null, h('span', { class: 'visually-hidden' }, 'Open')),
              ),
            ),
            h(
              'tbody',
              null,
              ctx.projects.map((p) =>
                h(
                  'tr',
                  { dataset: { project: p.id }, class: p.id === ctx.projectId ? 'current' : undefined },
                  h('td', null, h('strong', null, p.name), h('div', { class: 'muted small' }, p.id)),
                  h('td', { class: 'small' }, unitLabel(p.segmentUnit)),
                  h('td', { class: 'small' }, p.codebookVersion ? `version ${p.codebookVersion.slice(0, 10)}` : h('span', { class: 'muted' }, 'none yet')),
                  h('td', { class: 'num' }, details.get(p.id)?.documents ?? ''),
                  h(
                    'td',
                    null,
                    p.id === ctx.projectId
                      ? h('span', { class: 'muted small' }, 'current')
                      : h('button', { attrs: { type: 'button', 'data-testid': 'open-project' }, on: { click: () => void ctx.switchProject(p.id) } }, 'Open'),
                  ),
                ),
              ),
            ),
          ),
    );
  }

  function renderMembers(): void {
    const current = ctx.projects.find((p) => p.id === ctx.projectId);
    if (!current) {
      replaceChildren(membersSlot);
      return;
    }
    if (!ctx.onAws) {
      replaceChildren(
        membersSlot,
        h('h2', null, 'Members'),
        h(
          'p',
          { class: 'muted small', attrs: { 'data-testid': 'members-local' } },
          'On this computer there is one user (you). On the AWS deployment you add colleagues here by their user id.',
        ),
      );
      return;
    }
    const user = h('input', { attrs: { type: 'text', 'aria-label': 'User id of the new member', placeholder: 'user id (Cognito sub)', autocomplete: 'off' } });
    const msg = h('div', { attrs: { 'aria-live': 'polite' } });
    const add = async (e: Event) => {
      e.preventDefault();
      if (!user.value.trim()) return;
      try {
        const r = await api.addMember({ projectId: current.id, body: { userId: user.value.trim() } });
        replaceChildren(msg, h('p', { class: 'banner info' }, `Members of ${current.name}: ${r.members.join(', ')}`));
        user.value = '';
      } catch (err) {
        replaceChildren(msg, errorBanner(err, 'The member was not added'));
      }
    };
    replaceChildren(
      membersSlot,
      h('h2', null, `Members of ${current.name}`),
      h('form', { class: 'toolbar', on: { submit: (e) => void add(e) } }, user, h('button', { attrs: { type: 'submit' } }, 'Add member')),
      h(
        'p',
        { class: 'muted small' },
        'Ask your colleague for their user id (shown to them on the Projects page after they sign in), or find it in the Cognito console.',
      ),
      msg,
    );
  }

  const el = h(
    'section',
    { attrs: { 'aria-labelledby': 'projects-h' } },
    h('h1', { attrs: { id: 'projects-h' } }, 'Projects'),
    h('div', { class: 'projects-grid' }, h('div', null, listSlot, membersSlot), form),
  );

  async function load(): Promise<void> {
    renderList(new Map());
    renderMembers();
    try {
      await ctx.reloadProjects();
      const counts = await Promise.all(ctx.projects.map(async (p) => [p.id, { documents: (await api.getProject({ projectId: p.id })).documents }] as const));
      renderList(new Map(counts));
      renderMembers();
      if (ctx.onAws) {
        const me = await api.me({});
        el.append(h('p', { class: 'muted small' }, `Your user id: ${me.userId}`));
      }
    } catch (e) {
      replaceChildren(listSlot, errorBanner(e, 'Cannot list your projects'));
    }
  }
  void load();
  if (ctx.projects.length === 0) queueMicrotask(() => name.focus());
  return { el };
}
