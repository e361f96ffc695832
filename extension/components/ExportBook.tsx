// The Export button of one book (editor and book list); its form loads only when opened (ExportForm), so the side
// panel's start-up bundle carries the button alone.
import { lazy, Suspense, useId, useState } from 'react';
import { t } from '../lib/i18n.ts';
import type { BookForExport } from '../lib/manuscripts/document.ts';

const ExportForm = lazy(() => import('./ExportForm.tsx'));

interface ExportBookProps {
  /** The book as it should be exported, read when the writer confirms (the editor passes what it shows). */
  load: () => BookForExport | undefined | Promise<BookForExport | undefined>;
  /** Accessible name of the button when several books show one (the book list). */
  label?: string;
}

export function ExportBook({ load, label }: ExportBookProps) {
  const [open, setOpen] = useState(false);
  const formId = useId();
  return (
    <div className="export-book">
      <button type="button" data-testid="export-book" aria-expanded={open} aria-controls={formId} aria-label={label} onClick={() => setOpen(!open)}>
        {t('exportBook')}
      </button>
      {open && (
        <Suspense fallback={null}>
          <ExportForm id={formId} load={load} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}
