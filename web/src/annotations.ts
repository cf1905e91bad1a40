/**
 * Notes on days ("pricing change"): the "Notes" control lists them and adds one (a day and a
 * short text, POST /api/v1/annotations); the trend draws each at the period holding its day.
 */
import type { TrendAnnotation } from '../../src/report-html/chart-options.js';
import { getJson, sendJson } from './api.js';
import { h } from './dom.js';
import { foldOutList } from './fold-out-list.js';

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
  const day = h('input', { type: 'date', name: 'day', required: true, 'aria-label': 'Day', 'data-testid': 'note-day' });
  const text = h('input', { type: 'text', name: 'text', maxlength: 200, required: true, placeholder: 'e.g. pricing change', 'aria-label': 'Note', 'data-testid': 'note-text' });
  return foldOutList<Annotation>({
    title: 'Notes',
    testId: 'notes',
    className: 'notes',
    listTestId: 'notes-list',
    emptyText: 'No notes yet.',
    load: annotationsFor,
    entry: (n) => ({
      content: h('span', {}, `${n.day} ${n.text}`),
      attrs: { 'data-testid': 'note' },
      remove: { label: `Remove note ${n.day} ${n.text}`, title: 'Remove this note' },
    }),
    remove: async (n) => {
      await sendJson('DELETE', `/api/v1/annotations/${encodeURIComponent(n.id)}`);
      options.changed();
      return `Removed the note of ${n.day}.`;
    },
    removeFailed: () => 'Could not remove it',
    add: {
      testId: 'note-form',
      fields: [day, text],
      button: { text: 'Add a note', testId: 'add-note' },
      submit: async () => {
        await sendJson('POST', '/api/v1/annotations', { day: day.value, text: text.value.trim() });
        text.value = '';
        options.changed();
        return `Added a note on ${day.value}.`;
      },
      failed: 'Could not add it',
    },
  });
}
