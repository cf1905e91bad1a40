/**
 * Asking for an API token, when the server wants one: a card in place of the panels (so no
 * empty panel shells stay on screen) saying how to get a token, and a modal dialog to paste it.
 * Esc (or "Not now") closes the dialog and leaves the card, whose "Enter an API token" button
 * opens it again.
 */
import { fill, h, type Child } from './dom.js';

export interface TokenPrompt {
  /** Why the page asks: "The server asked for a token", "The token was refused". */
  readonly reason: string;
  /** Where the card goes; what it holds (the panels) is replaced until a token is entered. */
  readonly place: HTMLElement;
  /** A token was entered (trimmed, never empty). */
  readonly onToken: (token: string) => void;
}

/** The prompt being shown, until a token is entered: more 403s only update its reason. */
let active: { prompt: TokenPrompt; why: HTMLElement; reopen: HTMLButtonElement } | null = null;

/** How to get a token, as text with code spans (never literal Markdown). */
function howToGetOne(then: string): Child[] {
  return [
    'Create one on the server\'s machine with ',
    h('code', {}, 'uprate token create'),
    ' (it signs with ',
    h('code', {}, 'UPRATE_API_SECRET'),
    '; add ',
    h('code', {}, '--claim key=value'),
    ` for the claims the server's tenants need), then ${then}. It is kept for this browser tab only.`,
  ];
}

/** Shows the card in `prompt.place` and opens the dialog (once: a prompt already showing keeps its state). */
export function askForToken(prompt: TokenPrompt): void {
  if (active) {
    active.why.textContent = `${prompt.reason}.`;
    return;
  }
  const why = h('p', { class: 'token-reason' }, `${prompt.reason}.`);
  const reopen = h('button', { type: 'button', class: 'primary', id: 'token-reopen', 'data-testid': 'token-reopen', onclick: () => openDialog() }, 'Enter an API token');
  active = { prompt, why, reopen };
  fill(
    prompt.place,
    h('section', { class: 'panel token-needed', 'data-testid': 'token-needed', 'aria-labelledby': 'token-needed-title' },
      h('h2', { id: 'token-needed-title' }, 'This uprate server needs an API token'),
      why,
      h('p', {}, ...howToGetOne('enter it with the button below')),
      h('div', { class: 'dialog-buttons' }, reopen)),
  );
  openDialog();
}

function openDialog(): void {
  if (!active || document.getElementById('token-dialog')) return;
  const { prompt, reopen } = active;
  let entered = false;
  const input = h('input', { id: 'token-input', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'token-why token-how' });
  const dialog = h(
    'dialog',
    { id: 'token-dialog', 'aria-labelledby': 'token-title' },
    h('form', {
        method: 'dialog',
        class: 'token-form',
        onsubmit: () => {
          const token = input.value.trim();
          if (!token) return;
          entered = true;
          active = null;
          prompt.onToken(token);
        },
      },
      h('h2', { id: 'token-title' }, 'This uprate server needs an API token'),
      h('p', { id: 'token-why' }, active.why.textContent ?? ''),
      h('p', { id: 'token-how', class: 'token-how' }, ...howToGetOne('paste it here')),
      h('label', { for: 'token-input' }, 'API token'),
      input,
      h('div', { class: 'dialog-buttons' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Not now'),
        h('button', { type: 'submit', class: 'primary' }, 'Use this token'))),
  );
  // Esc, "Not now" and a submitted token all close it; without a token the card's button has the focus.
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (!entered && reopen.isConnected) reopen.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
}
