/**
 * A fold-out beside the scope line: a header button (`<summary>`, so Enter, Space and the
 * screen reader's "collapsed / expanded" come with the browser) opening a small form that adds an
 * entry, a status line, and the entries, each with its own remove button. The entries are read
 * when the fold-out opens (not at load: a server that wants a token has none yet) and again after
 * every change; what each change did, or why it failed, is said in the status line (role=status).
 *
 * The saved views (saved-views.ts) and the notes on days (annotations.ts) are two of these.
 *
 * @example
 *   foldOutList({
 *     title: 'Notes', testId: 'notes', listTestId: 'notes-list', emptyText: 'No notes yet.',
 *     load: readNotes,
 *     entry: (n) => ({ content: `${n.day} ${n.text}`, remove: { label: `Remove note ${n.day}`, title: 'Remove this note' } }),
 *     remove: async (n) => { await deleteNote(n); return `Removed the note of ${n.day}.`; },
 *     removeFailed: 'Could not remove it',
 *     add: { testId: 'note-form', fields: [day, text], button: { text: 'Add a note', testId: 'add-note' }, submit: addNote, failed: 'Could not add it' },
 *   });
 */
import { asApiError } from './api.js';
import { fill, h, type Child } from './dom.js';

/** How one entry is listed: its content, and the names of its remove button. */
export interface FoldOutEntry {
  readonly content: Child;
  /** Attributes of the entry's `<li>` (a test id, say). */
  readonly attrs?: Readonly<Record<string, string>>;
  readonly remove: {
    /** The button's accessible name, naming the entry ("Delete view Q1"). */
    readonly label: string;
    readonly title: string;
    readonly testId?: string;
  };
}

export interface FoldOutListOptions<T> {
  /** The header button's text ("Views"). */
  readonly title: string;
  readonly testId: string;
  /** Classes beside `saved-views` (the fold-outs' shared look). */
  readonly className?: string;
  readonly listTestId: string;
  /** Listed when there is no entry. */
  readonly emptyText: string;
  /** The entries; a failure is said in the status line after {@link loadFailed}. */
  readonly load: () => Promise<readonly T[]>;
  readonly loadFailed?: string;
  readonly entry: (item: T) => FoldOutEntry;
  /** Removes an entry; resolves to what the status line says then. */
  readonly remove: (item: T) => Promise<string>;
  /** The status line's words before the reason, when a removal failed ("Could not remove it"). */
  readonly removeFailed: (item: T) => string;
  readonly add: {
    readonly testId: string;
    /** The form's inputs (each with its own accessible name), before the submit button. */
    readonly fields: readonly HTMLElement[];
    readonly button: { readonly text: string; readonly testId: string };
    /** Adds the entry the fields describe; resolves to what the status line says then. */
    readonly submit: () => Promise<string>;
    /** The status line's words before the reason, when adding failed ("Could not save"). */
    readonly failed: string;
  };
}

/** The API's message for a failure (or the error's own). */
function reason(e: unknown): string {
  return asApiError(e).message;
}

export function foldOutList<T>(options: FoldOutListOptions<T>): HTMLDetailsElement {
  const list = h('ul', { class: 'saved-list', 'data-testid': options.listTestId });
  const status = h('p', { class: 'saved-status', role: 'status' });
  const say = (text: string) => {
    status.textContent = text;
  };

  const row = (item: T): HTMLLIElement => {
    const { content, attrs = {}, remove } = options.entry(item);
    const button = h('button', { type: 'button', class: 'link', 'aria-label': remove.label, title: remove.title, 'data-testid': remove.testId, onclick: () => void removeEntry(item) }, '×');
    return h('li', attrs, content, button);
  };

  const refresh = async (): Promise<void> => {
    try {
      const items = await options.load();
      fill(list, ...(items.length === 0 ? [h('li', { class: 'muted' }, options.emptyText)] : items.map(row)));
    } catch (e) {
      say(`${options.loadFailed ?? 'Could not read the list'}: ${reason(e)}`);
    }
  };

  const removeEntry = async (item: T): Promise<void> => {
    try {
      say(await options.remove(item));
    } catch (e) {
      say(`${options.removeFailed(item)}: ${reason(e)}`);
    }
    await refresh();
  };

  const form = h(
    'form',
    {
      class: 'saved-form',
      'data-testid': options.add.testId,
      onsubmit: (e: Event) => {
        e.preventDefault();
        void options.add
          .submit()
          .then(say, (err: unknown) => say(`${options.add.failed}: ${reason(err)}`))
          .then(refresh);
      },
    },
    ...options.add.fields,
    h('button', { type: 'submit', 'data-testid': options.add.button.testId }, options.add.button.text),
  );

  const box = h('details', { class: `saved-views${options.className ? ` ${options.className}` : ''}`, 'data-testid': options.testId }, h('summary', {}, options.title), form, status, list);
  box.addEventListener('toggle', () => {
    if (box.open) void refresh();
  });
  return box;
}
