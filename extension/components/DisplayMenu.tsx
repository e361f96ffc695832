// The display settings of the writing room: theme, manuscript type, measure and spacing, focus aids, quotation style.
import { useId } from 'react';
import { t, type MessageKey } from '../lib/i18n.ts';
import {
  FONT_SIZES,
  FONTS,
  QUOTE_STYLES,
  SPACINGS,
  THEMES,
  WIDTHS,
  type DisplaySettings,
} from '../lib/room/display-settings.ts';

interface DisplayMenuProps {
  settings: DisplaySettings;
  onChange: (change: Partial<DisplaySettings>) => void;
  onClose: () => void;
}

export function DisplayMenu({ settings, onChange, onClose }: DisplayMenuProps) {
  const id = useId();
  const choice = <K extends 'font' | 'width' | 'spacing' | 'quotes'>(key: K, values: readonly DisplaySettings[K][], label: MessageKey) => (
    <label className="display-field">
      <span>{t(label)}</span>
      <select
        data-testid={`display-${key}`}
        value={settings[key]}
        onChange={(e) => onChange({ [key]: e.target.value } as Partial<DisplaySettings>)}
      >
        {values.map((value) => (
          <option key={value} value={value}>
            {t(`${key}_${value}` as MessageKey)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section
      className="display-menu"
      data-testid="display-menu"
      aria-labelledby={`${id}-heading`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <h2 id={`${id}-heading`}>{t('display')}</h2>
      <fieldset className="display-themes">
        <legend>{t('theme')}</legend>
        {THEMES.map((theme) => (
          <label key={theme}>
            <input
              type="radio"
              name={`${id}-theme`}
              data-testid={`theme-${theme}`}
              checked={settings.theme === theme}
              onChange={() => onChange({ theme })}
            />
            {t(`theme_${theme}` as MessageKey)}
          </label>
        ))}
      </fieldset>
      {choice('font', FONTS, 'font')}
      <label className="display-field">
        <span>{t('textSize')}</span>
        <input
          type="number"
          data-testid="display-size"
          min={FONT_SIZES.min}
          max={FONT_SIZES.max}
          value={settings.size}
          onChange={(e) => {
            const size = Number(e.target.value);
            if (size >= FONT_SIZES.min && size <= FONT_SIZES.max) onChange({ size });
          }}
        />
      </label>
      {choice('width', WIDTHS, 'lineWidth')}
      {choice('spacing', SPACINGS, 'lineSpacing')}
      {choice('quotes', QUOTE_STYLES, 'quoteStyle')}
      <label className="display-check">
        <input type="checkbox" data-testid="focus-mode" checked={settings.focusMode} onChange={(e) => onChange({ focusMode: e.target.checked })} />
        {t('focusMode')}
      </label>
      <label className="display-check">
        <input type="checkbox" data-testid="typewriter" checked={settings.typewriter} onChange={(e) => onChange({ typewriter: e.target.checked })} />
        {t('typewriterScrolling')}
      </label>
      <p className="display-note">{t('perDeviceNote')}</p>
      <button type="button" data-testid="close-display" onClick={onClose}>
        {t('close')}
      </button>
    </section>
  );
}
