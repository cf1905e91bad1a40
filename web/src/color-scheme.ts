/**
 * Dark mode that follows the system (`prefers-color-scheme`): the CSS switches by itself
 * (styles.css), the charts and SVGs are drawn with the matching palette (palette.ts
 * `usePalette`), and when the system switches while the page is open it is drawn again.
 */
import { usePalette } from '../../src/report-html/palette.js';

const DARK = '(prefers-color-scheme: dark)';

/** The scheme the system asks for now. */
export function colorScheme(): 'light' | 'dark' {
  return window.matchMedia(DARK).matches ? 'dark' : 'light';
}

/** Draws with the system's scheme from now on; `changed` redraws the page when it switches. */
export function followColorScheme(changed: () => void): void {
  const apply = () => {
    const scheme = colorScheme();
    usePalette(scheme);
    document.documentElement.dataset['scheme'] = scheme;
  };
  apply();
  window.matchMedia(DARK).addEventListener('change', () => {
    apply();
    changed();
  });
}
