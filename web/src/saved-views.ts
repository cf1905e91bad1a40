/**
 * The "Views" control: save the page's current view (its URL query string) under a name, list the
 * saved views (GET /api/v1/views; each opens its view in place), delete one. Views live in the
 * server's store, shared by everyone of the same tenant.
 */
import { asApiError, getJson, storedToken } from './api.js';
import { fill, h } from './dom.js';

interface SavedView {
  readonly name: string;
  readonly state: string;
}

/** POST or DELETE to an /api/v1 endpoint with the page's token; an error carries the API's message. */
export async function sendJson(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const token = storedToken();
  if (token) headers['authorization'] = `Bearer ${token}`;
  const url = new URL(path.replace(/^\//, ''), new URL('.', location.href)).toString();
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const answer = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(answer.error ?? `HTTP ${res.status}`);
  return answer;
}

export interface SavedViewsOptions {
  /** The current view's query string (`location.search`). */
  readonly current: () => string;
  /** Opens a saved view's query string. */
  readonly open: (state: string) => void;
}

export function savedViewsControl(options: SavedViewsOptions): HTMLElement {
  const list = h('ul', { class: 'saved-list', 'data-testid': 'saved-views-list' });
  const status = h('p', { class: 'saved-status', role: 'status' });
  const name = h('input', { type: 'text', name: 'name', maxlength: 80, required: true, placeholder: 'Name this view', 'aria-label': 'View name', 'data-testid': 'view-name' });
  const refresh = async (): Promise<void> => {
    try {
      const { views } = await getJson<{ views: SavedView[] }>('/api/v1/views', null, new AbortController().signal);
      fill(
        list,
        ...(views.length === 0 ? [h('li', { class: 'muted' }, 'No saved views yet.')] : []),
        ...views.map((v) =>
          h(
            'li',
            {},
            h('a', { href: `${location.pathname}${v.state ? `?${v.state}` : ''}`, 'data-testid': 'saved-view', 'data-name': v.name, onclick: (e: Event) => { e.preventDefault(); options.open(v.state); } }, v.name),
            h('button', { type: 'button', class: 'link', 'aria-label': `Delete view ${v.name}`, title: 'Delete this view', 'data-testid': 'delete-view', onclick: () => void remove(v.name) }, '×'),
          ),
        ),
      );
    } catch (e) {
      status.textContent = `Could not read the saved views: ${asApiError(e).message}`;
    }
  };
  const remove = async (view: string): Promise<void> => {
    try {
      await sendJson('DELETE', `/api/v1/views/${encodeURIComponent(view)}`);
      status.textContent = `Deleted “${view}”.`;
    } catch (e) {
      status.textContent = `Could not delete “${view}”: ${e instanceof Error ? e.message : String(e)}`;
    }
    await refresh();
  };
  const form = h(
    'form',
    {
      class: 'saved-form',
      'data-testid': 'save-view-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const wanted = name.value.trim();
        void sendJson('POST', '/api/v1/views', { name: wanted, state: options.current() })
          .then((answer) => {
            status.textContent = (answer as { replaced?: boolean }).replaced ? `Replaced “${wanted}”.` : `Saved “${wanted}”.`;
            name.value = '';
          })
          .catch((err: unknown) => {
            status.textContent = `Could not save: ${err instanceof Error ? err.message : String(err)}`;
          })
          .then(refresh);
      },
    },
    name,
    h('button', { type: 'submit', 'data-testid': 'save-view' }, 'Save current view'),
  );
  const box = h('details', { class: 'saved-views', 'data-testid': 'saved-views' }, h('summary', {}, 'Views'), form, status, list);
  // Read when opened (not at load: a server that wants a token has none yet).
  box.addEventListener('toggle', () => {
    if (box.open) void refresh();
  });
  return box;
}
