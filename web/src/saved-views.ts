/**
 * The "Views" control: save the page's current view (its URL query string) under a name, list the
 * saved views (GET /api/v1/views; each opens its view in place), delete one. Views live in the
 * server's store, shared by everyone of the same tenant.
 */
import { getJson, sendJson } from './api.js';
import { h } from './dom.js';
import { foldOutList } from './fold-out-list.js';

interface SavedView {
  readonly name: string;
  readonly state: string;
}

export interface SavedViewsOptions {
  /** The current view's query string (`location.search`). */
  readonly current: () => string;
  /** Opens a saved view's query string. */
  readonly open: (state: string) => void;
}

export function savedViewsControl(options: SavedViewsOptions): HTMLElement {
  const name = h('input', { type: 'text', name: 'name', maxlength: 80, required: true, placeholder: 'Name this view', 'aria-label': 'View name', 'data-testid': 'view-name' });
  return foldOutList<SavedView>({
    title: 'Views',
    testId: 'saved-views',
    listTestId: 'saved-views-list',
    emptyText: 'No saved views yet.',
    load: async () => (await getJson<{ views: SavedView[] }>('/api/v1/views', null, new AbortController().signal)).views,
    loadFailed: 'Could not read the saved views',
    entry: (v) => ({
      content: h('a', { href: `${location.pathname}${v.state ? `?${v.state}` : ''}`, 'data-testid': 'saved-view', 'data-name': v.name, onclick: (e: Event) => { e.preventDefault(); options.open(v.state); } }, v.name),
      remove: { label: `Delete view ${v.name}`, title: 'Delete this view', testId: 'delete-view' },
    }),
    remove: async (v) => {
      await sendJson('DELETE', `/api/v1/views/${encodeURIComponent(v.name)}`);
      return `Deleted “${v.name}”.`;
    },
    removeFailed: (v) => `Could not delete “${v.name}”`,
    add: {
      testId: 'save-view-form',
      fields: [name],
      button: { text: 'Save current view', testId: 'save-view' },
      submit: async () => {
        const wanted = name.value.trim();
        const answer = (await sendJson('POST', '/api/v1/views', { name: wanted, state: options.current() })) as { replaced?: boolean };
        name.value = '';
        return answer.replaced ? `Replaced “${wanted}”.` : `Saved “${wanted}”.`;
      },
      failed: 'Could not save',
    },
  });
}
