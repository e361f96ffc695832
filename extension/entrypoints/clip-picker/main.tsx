// Entry of the clip picker window: asks the background what waits to be clipped, lets the writer choose the book.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ClipPicker } from '../../components/ClipPicker.tsx';
import { clipLog } from '../../lib/clipping/clip-log.ts';
import { t, uiLocale } from '../../lib/i18n.ts';
import { sendToBackground } from '../../lib/messaging.ts';
import '../sidepanel/style.css';
import './style.css';

async function start() {
  document.documentElement.lang = uiLocale();
  document.title = t('clipPickerHeading');
  const [pending, lastBookId] = await Promise.all([sendToBackground('clip-pending'), clipLog.lastBookId()]);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ClipPicker
        clipping={pending ?? null}
        lastBookId={lastBookId}
        onPick={(choice) => {
          void sendToBackground('clip-pick', choice).finally(() => window.close());
        }}
        onCancel={() => window.close()}
      />
    </StrictMode>,
  );
}

void start();
