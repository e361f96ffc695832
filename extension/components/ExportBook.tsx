// The export choice for one book (editor and book list): a format and its options, then a real download.
import { useId, useState, type FormEvent } from 'react';
import { t, type MessageKey } from '../lib/i18n.ts';
import type { BookForExport } from '../lib/manuscripts/document.ts';
import { downloadBook, type ExportChoices } from '../lib/manuscripts/download.ts';
import { OutcomeLine, type Outcome } from './OutcomeLine.tsx';

const FORMATS: ReadonlyArray<[ExportChoices['format'], MessageKey]> = [
  ['docx', 'formatDocx'],
  ['epub', 'formatEpub'],
  ['pdf', 'formatPdf'],
  ['md', 'formatMd'],
  ['html', 'formatHtml'],
  ['txt', 'formatTxt'],
];

type Status = { kind: 'idle' } | { kind: 'working' } | Outcome;

interface ExportBookProps {
  /** The book as it should be exported, read when the writer confirms (the editor passes what it shows). */
  load: () => BookForExport | undefined | Promise<BookForExport | undefined>;
  /** Accessible name of the button when several books show one (the book list). */
  label?: string;
}

export function ExportBook({ load, label }: ExportBookProps) {
  const [open, setOpen] = useState(false);
  const [choices, setChoices] = useState<ExportChoices>({ format: 'docx', pdfStyle: 'manuscript', chapterPageBreaks: true });
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const formId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setStatus({ kind: 'working' });
    try {
      const book = await load();
      if (!book) throw new Error(t('bookMissing'));
      setStatus({ kind: 'done', message: t('exportDone', await downloadBook(book, choices)) });
    } catch (error) {
      setStatus({ kind: 'failed', message: t('exportFailed', error instanceof Error ? error.message : String(error)) });
    }
  };

  return (
    <div className="export-book">
      <button
        type="button"
        data-testid="export-book"
        aria-expanded={open}
        aria-controls={formId}
        aria-label={label}
        onClick={() => {
          setOpen(!open);
          setStatus({ kind: 'idle' });
        }}
      >
        {t('exportBook')}
      </button>
      {open && (
        <form id={formId} className="export-form" onSubmit={(e) => void submit(e)}>
          <label className="field">
            <span>{t('exportFormat')}</span>
            <select
              data-testid="export-format"
              value={choices.format}
              onChange={(e) => setChoices({ ...choices, format: e.target.value as ExportChoices['format'] })}
            >
              {FORMATS.map(([value, key]) => (
                <option key={value} value={value}>
                  {t(key)}
                </option>
              ))}
            </select>
          </label>
          {choices.format === 'pdf' && (
            <label className="field">
              <span>{t('pdfStyle')}</span>
              <select
                data-testid="export-pdf-style"
                value={choices.pdfStyle}
                onChange={(e) => setChoices({ ...choices, pdfStyle: e.target.value as ExportChoices['pdfStyle'] })}
              >
                <option value="manuscript">{t('pdfStyleManuscript')}</option>
                <option value="book">{t('pdfStyleBook')}</option>
              </select>
            </label>
          )}
          {choices.format === 'docx' && (
            <label className="check">
              <input
                type="checkbox"
                data-testid="export-page-breaks"
                checked={choices.chapterPageBreaks}
                onChange={(e) => setChoices({ ...choices, chapterPageBreaks: e.target.checked })}
              />
              {t('chapterPageBreaks')}
            </label>
          )}
          <div className="export-actions">
            <button type="submit" className="primary" data-testid="export-confirm" disabled={status.kind === 'working'}>
              {status.kind === 'working' ? t('exporting') : t('exportConfirm')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('cancel')}
            </button>
          </div>
          <OutcomeLine status={status} testId="export-status" />
        </form>
      )}
    </div>
  );
}
