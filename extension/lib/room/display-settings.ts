// The writer's display settings (theme, type, measure, focus aids, quotation style): one record on this device,
// shared live by the panel and every tab through localStorage's storage event.
export const THEMES = ['system', 'light', 'dark', 'sepia'] as const;
export const FONTS = ['serif', 'sans', 'mono'] as const;
export const WIDTHS = ['narrow', 'medium', 'wide'] as const;
export const SPACINGS = ['tight', 'normal', 'loose'] as const;
/** "auto" follows the language of the interface. */
export const QUOTE_STYLES = ['auto', 'en', 'es', 'off'] as const;
export const FONT_SIZES = { min: 13, max: 26 } as const;

export type Theme = (typeof THEMES)[number];
export type ResolvedTheme = Exclude<Theme, 'system'>;

export interface DisplaySettings {
  theme: Theme;
  font: (typeof FONTS)[number];
  /** Manuscript text size in CSS pixels. */
  size: number;
  width: (typeof WIDTHS)[number];
  spacing: (typeof SPACINGS)[number];
  /** Dim every paragraph but the one being written. */
  focusMode: boolean;
  /** Keep the line being written in the middle of the page. */
  typewriter: boolean;
  quotes: (typeof QUOTE_STYLES)[number];
}

export const DEFAULT_DISPLAY: DisplaySettings = {
  theme: 'system',
  font: 'serif',
  size: 17,
  width: 'medium',
  spacing: 'normal',
  focusMode: false,
  typewriter: false,
  quotes: 'auto',
};

const KEY = 'anclora.display';

const oneOf = <T extends string>(values: readonly T[], value: unknown, fallback: T): T =>
  values.includes(value as T) ? (value as T) : fallback;

/** Settings from stored JSON: every field checked, anything unknown or out of range replaced by its default. */
export function parseDisplay(json: string | null): DisplaySettings {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(json ?? '{}');
    if (parsed && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  } catch {
    // A damaged record falls back to the defaults.
  }
  const d = DEFAULT_DISPLAY;
  const size = typeof raw.size === 'number' && Number.isFinite(raw.size) ? Math.round(raw.size) : d.size;
  return {
    theme: oneOf(THEMES, raw.theme, d.theme),
    font: oneOf(FONTS, raw.font, d.font),
    size: Math.min(FONT_SIZES.max, Math.max(FONT_SIZES.min, size)),
    width: oneOf(WIDTHS, raw.width, d.width),
    spacing: oneOf(SPACINGS, raw.spacing, d.spacing),
    focusMode: typeof raw.focusMode === 'boolean' ? raw.focusMode : d.focusMode,
    typewriter: typeof raw.typewriter === 'boolean' ? raw.typewriter : d.typewriter,
    quotes: oneOf(QUOTE_STYLES, raw.quotes, d.quotes),
  };
}

export function readDisplay(storage: Storage = localStorage): DisplaySettings {
  return parseDisplay(storage.getItem(KEY));
}

export function writeDisplay(settings: DisplaySettings, storage: Storage = localStorage): void {
  storage.setItem(KEY, JSON.stringify(settings));
  listeners.forEach((listener) => listener(settings));
}

const listeners = new Set<(settings: DisplaySettings) => void>();

/** Calls `listener` on every change, made in this page or in another page of the extension. */
export function watchDisplay(listener: (settings: DisplaySettings) => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === KEY) listener(parseDisplay(event.newValue));
  };
  listeners.add(listener);
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** The theme to paint: "system" follows the browser's colour scheme. */
export function resolveTheme(theme: Theme, prefersDark: boolean): ResolvedTheme {
  return theme === 'system' ? (prefersDark ? 'dark' : 'light') : theme;
}

const FONT_STACKS: Record<DisplaySettings['font'], string> = {
  serif: "Charter, 'Iowan Old Style', Georgia, 'Times New Roman', serif",
  sans: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  mono: "'iA Writer Mono', 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
};
const MEASURES: Record<DisplaySettings['width'], string> = { narrow: '34em', medium: '40em', wide: '52em' };
const LEADINGS: Record<DisplaySettings['spacing'], string> = { tight: '1.45', normal: '1.7', loose: '2' };

/** The CSS custom properties the stylesheet reads for the manuscript. */
export function displayVariables(settings: DisplaySettings): Record<string, string> {
  return {
    '--manuscript-font': FONT_STACKS[settings.font],
    '--manuscript-size': `${settings.size}px`,
    '--measure': MEASURES[settings.width],
    '--leading': LEADINGS[settings.spacing],
  };
}

/** The quotation marks typing produces: the interface's language for "auto", null for straight quotes. */
export function quoteLanguage(quotes: DisplaySettings['quotes'], locale: string): 'en' | 'es' | null {
  if (quotes === 'off') return null;
  if (quotes === 'auto') return locale.toLowerCase().startsWith('es') ? 'es' : 'en';
  return quotes;
}
