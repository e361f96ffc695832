// A short welcome on the first run, above the book list: what the panel is for, its shortcut, clipping, and that sync
// is optional. It never covers the writing and goes away for good once dismissed.
import { useEffect, useId, useState } from 'react';
import { t } from '../lib/i18n.ts';
import { markWelcomeRead, openPanelShortcut, welcomeRead } from '../lib/room/welcome.ts';

export function WelcomeNote() {
  const [open, setOpen] = useState(() => !welcomeRead(localStorage));
  const [shortcut, setShortcut] = useState('');
  const headingId = useId();
  useEffect(() => {
    if (open) void openPanelShortcut().then(setShortcut);
  }, [open]);
  if (!open) return null;
  return (
    <section className="welcome" data-testid="welcome" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('welcomeHeading')}</h2>
      <ul>
        <li>{t('welcomeWrite')}</li>
        <li>{shortcut ? t('welcomeShortcut', shortcut) : t('welcomeNoShortcut')}</li>
        <li>{t('welcomeClip')}</li>
        <li>{t('welcomeSync')}</li>
      </ul>
      <button
        type="button"
        data-testid="dismiss-welcome"
        onClick={() => {
          markWelcomeRead(localStorage);
          setOpen(false);
        }}
      >
        {t('welcomeDismiss')}
      </button>
    </section>
  );
}
