/** Light, dark, or follow the system; the choice is kept in localStorage. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'kiln.theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

function storedChoice(): ThemeChoice {
  const value = localStorage.getItem(STORAGE_KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

class Theme {
  choice = $state<ThemeChoice>(storedChoice());
  #systemIsDark = $state(systemDark.matches);
  /** What is shown; canvases and charts redraw their colours when it changes. */
  readonly effective = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.#systemIsDark ? 'dark' : 'light') : this.choice);

  constructor() {
    systemDark.addEventListener('change', (event) => (this.#systemIsDark = event.matches));
    this.#apply();
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
    this.#apply();
  }

  #apply(): void {
    // The stylesheet follows prefers-color-scheme unless data-theme pins a choice.
    if (this.choice === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.choice;
  }
}

export const theme = new Theme();

/**
 * A colour custom property as the canvas needs it (rgb()/rgba()). The palette uses light-dark(),
 * which getComputedStyle leaves unresolved on a custom property, so the colour is resolved by
 * applying it to a hidden probe inside `element` (inheriting its colour scheme).
 */
export function cssColour(element: Element, name: string): string {
  const probe = document.createElement('span');
  probe.hidden = true;
  probe.style.color = `var(${name})`;
  element.parentElement?.append(probe);
  const colour = getComputedStyle(probe).color;
  probe.remove();
  return colour;
}
