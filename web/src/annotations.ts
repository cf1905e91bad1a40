/**
 * Notes on days ("pricing change"): the "Notes" control lists them and adds one (a day and a
 * short text, POST /api/v1/annotations); the trend draws each at the period holding its day.
 */
import type { TrendAnnotation } from '../../src/report-html/chart-options.js';
import { getJson } from './api.js';
import { fill, h } from './dom.js';
import { sendJson } from './saved-views.js';

interface Annotation extends TrendAnnotation {
  readonly id: string;
}

/** Every note (the trend keeps those in its periods); none when the server has none or cannot say. */
export async function annotationsFor(): Promise<Annotation[]> {
  try {
    return (await getJson<{ annotations: Annotation[] }>('/api/v1/annotations', null, new AbortController().signal)).annotations;
  } catch {
    return [];
  }
}

export interface AnnotationsOptions {
  /** A note was added or removed: the trend is drawn again. */
  readonly changed: () => void;
}

export function annotationsControl(options: AnnotationsOptions): HTMLElement {
  const list = h('ul', { class: 'saved-list', 'data-testid': 'notes-list' });
  const status = h('p', { class: 'saved-status', role: 'status' });
  const day = h('input', { type: 'date', name: 'day', required: true, 'aria-label': 'Day', 'data-testid': 'note-day' });
  const text = h('input', { type: 'text', name: 'text', maxlength: 200, required: true, placeholder: 'e.g. pricing change', 'aria-label': 'Note', 'data-testid': 'note-text' });
  const refresh = async (): Promise<void> => {
    const notes = await annotationsFor();
    fill(
      list,
      ...(notes.length === 0 ? [h('li', { class: 'muted' }, 'No notes yet.')] : []),
      ...notes.map((n) =>
        h(
          'li',
          { 'data-testid': 'note' },
          h('span', {}, `${n.day} ${n.text}`),
          h('button', { type: 'button', class: 'link', 'aria-label': `Remove note ${n.day} ${n.text}`, title: 'Remove this note', onclick: () => void remove(n) }, '×'),
        ),
      ),
    );
  };
  const remove = async (n: Annotation): Promise<void> => {
    try {
      await sendJson('DELETE', `/api/v1/annotations/${encodeURIComponent(n.id)}`);
      status.textContent = `Removed the note of ${n.day}.`;
      options.changed();
    } catch (e) {
      status.textContent = `Could not remove it: ${e instanceof Error ? e.message : String(e)}`;
    }
    await refresh();
  };
  const form = h(
    'form',
    {
      class: 'saved-form',
      'data-testid': 'note-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void sendJson('POST', '/api/v1/annotations', { day: day.value, text: text.value.trim() })
          .then(() => {
            status.textContent = `Added a note on ${day.value}.`;
            text.value = '';
            options.changed();
          })
          .catch((err: unknown) => {
            status.textContent = `Could not add it: ${err instanceof Error ? err.message : String(err)}`;
          })
          .then(refresh);
      },
    },
    day,
    text,
    h('button', { type: 'submit', 'data-testid': 'add-note' }, 'Add a note'),
  );
  const box = h('details', { class: 'saved-views notes', 'data-testid': 'notes' }, h('summary', {}, 'Notes'), form, status, list);
  // Read when opened (not at load: a server that wants a token has none yet).
  box.addEventListener('toggle', () => {
    if (box.open) void refresh();
  });
  return box;
}
