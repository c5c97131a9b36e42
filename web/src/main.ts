// Boot: take the token from the URL fragment, find the API, pick the project, route between views.
import './style.css';
import { api, detectApiBase } from './api.js';
import { indexCodebook, type Ctx, type View, type ViewFactory } from './context.js';
import { $, h, replaceChildren } from './dom.js';
import { errorBanner } from './errors.js';
import { cognitoToken, loadRuntimeConfig } from './cognito.js';
import { ApiError, setApiBase } from './http.js';
import { parseRoute, VIEWS, type ViewName } from './route.js';
import { captureToken } from './token.js';
import { browseView } from './views/browse.js';
import { projectsView } from './views/projects.js';
import { queueView } from './views/queue.js';
import { reportView } from './views/report.js';
import { reviewView } from './views/review.js';
import { rulesView } from './views/rules.js';
import { uploadView } from './views/upload.js';

const factories: Record<ViewName, ViewFactory> = {
  projects: projectsView,
  upload: uploadView,
  review: reviewView,
  queue: queueView,
  browse: browseView,
  report: reportView,
  rules: rulesView,
};
const PROJECT_KEY = 'qualtag.project';

let current: View | null = null;
const main = $('#main');
const nav = $('#nav');
const projectSelect = $('#project-select') as HTMLSelectElement;

const ctx: Ctx = {
  projectId: '',
  projects: [],
  onAws: false,
  codebook: null,
  async reloadProjects() {
    ctx.projects = (await api.listProjects({})).items;
    fillProjectMenu();
  },
  async switchProject(projectId: string, hash = '#/upload') {
    ctx.projectId = projectId;
    sessionStorage.setItem(PROJECT_KEY, projectId);
    fillProjectMenu();
    await ctx.reloadCodebook().catch(() => undefined);
    ctx.navigate(hash);
  },
  async reloadCodebook() {
    try {
      ctx.codebook = indexCodebook(await api.getCodebook({ projectId: ctx.projectId }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) ctx.codebook = null;
      else throw e;
    }
  },
  navigate(hash: string) {
    if (window.location.hash === hash) render();
    else window.location.hash = hash;
  },
};

function fillProjectMenu(): void {
  replaceChildren(
    projectSelect,
    ctx.projects.length === 0 ? h('option', { attrs: { value: '' } }, 'no project yet') : null,
    ctx.projects.map((p) => h('option', { attrs: { value: p.id, selected: p.id === ctx.projectId } }, p.name)),
  );
}

function renderNav(active: ViewName): void {
  replaceChildren(
    nav,
    VIEWS.map((v) => h('a', { attrs: { href: `#/${v.name}`, 'aria-current': v.name === active ? 'page' : undefined } }, v.title)),
  );
}

function render(): void {
  let route = parseRoute(window.location.hash);
  // Without a project only the Projects view can do anything: start there.
  if (!ctx.projectId && route.view !== 'projects') route = { ...route, view: 'projects' };
  renderNav(route.view);
  current?.destroy?.();
  current = null;
  // A code picker left open belongs to the view being left.
  for (const d of Array.from(document.querySelectorAll('dialog.picker'))) d.dispatchEvent(new Event('cancel', { cancelable: true }));
  try {
    current = factories[route.view](ctx, route);
    replaceChildren(main, current.el);
  } catch (e) {
    replaceChildren(main, errorBanner(e));
  }
  document.title = `${VIEWS.find((v) => v.name === route.view)!.title} — qualtag`;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.closest('dialog[open]') !== null;
}

document.addEventListener('keydown', (e) => {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
  if (current?.onKey?.(e)) e.preventDefault();
});

async function boot(): Promise<void> {
  const cfg = await loadRuntimeConfig();
  let token: string | null;
  if (cfg) {
    // On AWS: the API lives on API Gateway; sign in with Cognito.
    setApiBase(cfg.apiUrl);
    ctx.onAws = true;
    token = await cognitoToken(cfg);
    if (!token) return; // redirected to the sign-in page
  } else {
    token = captureToken();
    await detectApiBase();
  }
  if (!token) {
    replaceChildren(
      main,
      h(
        'div',
        { class: 'banner error', attrs: { role: 'alert' } },
        'No access token. Open the address that ',
        h('code', null, 'npm start'),
        ' printed (it ends in #token=…).',
      ),
    );
    return;
  }
  try {
    const { items } = await api.listProjects({});
    ctx.projects = items;
    const remembered = sessionStorage.getItem(PROJECT_KEY);
    ctx.projectId = items.some((p) => p.id === remembered) ? remembered! : (items[0]?.id ?? '');
    fillProjectMenu();
    projectSelect.addEventListener('change', () => {
      if (projectSelect.value) void ctx.switchProject(projectSelect.value);
    });
    if (ctx.projectId) await ctx.reloadCodebook();
  } catch (e) {
    replaceChildren(main, errorBanner(e, 'Cannot load your projects'));
    return;
  }
  window.addEventListener('hashchange', render);
  render();
}

void boot();
