/**
 * The whole dashboard as a PDF: the "PDF" button opens the browser's print dialog ("Save as PDF"
 * in Chromium); the print stylesheet (styles.css, `@media print`) lays out every panel, one
 * column, without the controls. `uprate report --format pdf` makes the monthly report's PDF.
 */
import { h } from './dom.js';

/** While printing, the findings folded behind "all findings" are printed too, then folded again. */
function unfoldForPrint(): void {
  const folded = [...document.querySelectorAll<HTMLDetailsElement>('details.more-findings:not([open])')];
  for (const d of folded) d.open = true;
  window.addEventListener('afterprint', () => {
    for (const d of folded) d.open = false;
  }, { once: true });
}

window.addEventListener('beforeprint', unfoldForPrint);

export function printButton(): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'tool print-button',
      'data-testid': 'print-pdf',
      'aria-label': 'Save the whole dashboard as a PDF (print)',
      title: 'Print every panel, or save them as a PDF',
      onclick: () => window.print(),
    },
    'PDF',
  );
}
