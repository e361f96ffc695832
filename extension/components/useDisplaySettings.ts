// The display settings as React state, and painting them on the page (theme attribute and CSS variables).
import { useEffect, useState } from 'react';
import {
  displayVariables,
  readDisplay,
  resolveTheme,
  watchDisplay,
  writeDisplay,
  type DisplaySettings,
} from '../lib/room/display-settings.ts';

/** The current settings, following changes made in any page of the extension; `update` stores a change. */
export function useDisplaySettings(): [DisplaySettings, (change: Partial<DisplaySettings>) => void] {
  const [settings, setSettings] = useState(readDisplay);
  useEffect(() => watchDisplay(setSettings), []);
  return [settings, (change) => writeDisplay({ ...readDisplay(), ...change })];
}

/** Paints the theme (following the system's colour scheme when asked) and the manuscript type on the document. */
export function usePaintedDisplay(settings: DisplaySettings): void {
  const [prefersDark, setPrefersDark] = useState(() => matchMedia('(prefers-color-scheme: dark)').matches);
  useEffect(() => {
    const query = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setPrefersDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = resolveTheme(settings.theme, prefersDark);
    for (const [name, value] of Object.entries(displayVariables(settings))) root.style.setProperty(name, value);
  }, [settings, prefersDark]);
}
