import { describe, expect, it } from 'vitest';
import { DEFAULT_DISPLAY, displayVariables, parseDisplay, quoteLanguage, resolveTheme } from './display-settings.ts';

describe('display settings', () => {
  it('start from the defaults, following the system theme', () => {
    expect(parseDisplay(null)).toEqual(DEFAULT_DISPLAY);
    expect(DEFAULT_DISPLAY.theme).toBe('system');
  });

  it('keep what was stored and replace only what is damaged or out of range', () => {
    const stored = JSON.stringify({ theme: 'sepia', font: 'comic', size: 99, width: 'wide', focusMode: 'yes', typewriter: true });
    expect(parseDisplay(stored)).toEqual({ ...DEFAULT_DISPLAY, theme: 'sepia', size: 26, width: 'wide', typewriter: true });
    expect(parseDisplay('{not json')).toEqual(DEFAULT_DISPLAY);
    expect(parseDisplay('[1,2]')).toEqual(DEFAULT_DISPLAY);
  });

  it.each([
    ['system', false, 'light'],
    ['system', true, 'dark'],
    ['sepia', true, 'sepia'],
    ['light', true, 'light'],
  ] as const)('paint theme %s with a dark system=%s as %s', (theme, dark, painted) => {
    expect(resolveTheme(theme, dark)).toBe(painted);
  });

  it('become the CSS variables of the manuscript', () => {
    expect(displayVariables({ ...DEFAULT_DISPLAY, font: 'mono', size: 20, spacing: 'loose' })).toMatchObject({
      '--manuscript-font': expect.stringContaining('monospace'),
      '--manuscript-size': '20px',
      '--leading': '2',
    });
  });

  it.each([
    ['auto', 'es-ES', 'es'],
    ['auto', 'en-GB', 'en'],
    ['en', 'es', 'en'],
    ['off', 'es', null],
  ] as const)('quote style %s in a %s interface types %s quotes', (quotes, locale, language) => {
    expect(quoteLanguage(quotes, locale)).toBe(language);
  });
});
