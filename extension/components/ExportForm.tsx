// The export form of one book, loaded when the writer opens it (ExportBook): a format and its options, the sources
// option when the book cites any, then the file made in the export worker with progress and Stop, and a real download.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { formatCount, t, type MessageKey } from '../lib/i18n.ts';
import type { BookForExport } from '../lib/manuscripts/document.ts';
import { countCitedSources, downloadBook, type ExportChoices } from '../lib/manuscripts/download.ts';
import { OutcomeLine, type Outcome } from './OutcomeLine.tsx';

const FORMATS: ReadonlyArray<[ExportChoices['format'], MessageKey]> = [
  ['docx', 'formatDocx'],
  ['epub', 'formatEpub'],
  ['pdf', 'formatPdf'],
  ['md', 'formatMd'],
  ['html', 'formatHtml'],
  ['txt', 'formatTxt'],
];

/** While the file is made: the share done when the format reports it (PDF), else undefined. */
type Status = { kind: 'idle' } | { kind: 'working'; fraction?: number } | Outcome;

export interface ExportFormProps {
  /** The form's element id (the Export button controls it). */
  id: string;
  /** The book as it should be exported, read when the writer confirms (the editor passes what it shows). */
  load: () => BookForExport | undefined | Promise<BookForExport | undefined>;
  onClose: () => void;
}

export default function ExportForm({ id, load, onClose }: ExportFormProps) {
  const [choices, setChoices] = useState<ExportChoices>({ format: 'docx', pdfStyle: 'manuscript', chapterPageBreaks: true, bibliography: false });
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  /** How many sources the book cites (null until counted): the bibliography is offered, and on, when there are any. */
  const [sources, setSources] = useState<number | null>(null);
  const running = useRef<AbortController | null>(null);

  useEffect(() => {
    const counting = new AbortController();
    void (async () => {
      const book = await load();
      const count = book ? await countCitedSources(book.content, counting.signal) : 0;
      setSources(count);
      setChoices((c) => ({ ...c, bibliography: count > 0 }));
    })().catch(() => setSources(0));
    // An export still running when the form goes away (closed with Export) is stopped: its worker ends.
    return () => {
      counting.abort();
      running.current?.abort();
    };
    // Counted once per opening (the form is mounted per opening): `load` is a new function on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const controller = new AbortController();
    running.current = controller;
    setStatus({ kind: 'working' });
    try {
      const book = await load();
      if (!book) throw new Error(t('bookMissing'));
      const onProgress = (fraction: number) => setStatus({ kind: 'working', fraction });
      const file = await downloadBook(book, choices, { onProgress, signal: controller.signal });
      const notes = file.listsAsHtml ? ` ${t('exportMarkdownLoses', formatCount(file.listsAsHtml))}` : '';
      setStatus({ kind: 'done', message: t('exportDone', file.filename) + notes });
    } catch (error) {
      if (controller.signal.aborted) setStatus({ kind: 'done', message: t('exportStopped') });
      else setStatus({ kind: 'failed', message: t('exportFailed', error instanceof Error ? error.message : String(error)) });
    } finally {
      if (running.current === controller) running.current = null;
    }
  };

  return (
    <form id={id} className="export-form" aria-busy={sources === null} onSubmit={(e) => void submit(e)}>
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
      {sources !== null && sources > 0 && (
        <label className="check">
          <input
            type="checkbox"
            data-testid="export-bibliography"
            checked={choices.bibliography}
            onChange={(e) => setChoices({ ...choices, bibliography: e.target.checked })}
          />
          {t('exportBibliography', formatCount(sources))}
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
      {status.kind === 'working' && (
        <progress
          data-testid="export-progress"
          aria-label={t('exporting')}
          max={1}
          {...(status.fraction === undefined ? {} : { value: status.fraction })}
        />
      )}
      <div className="export-actions">
        <button type="submit" className="primary" data-testid="export-confirm" disabled={status.kind === 'working' || sources === null}>
          {status.kind === 'working' ? t('exporting') : t('exportConfirm')}
        </button>
        {status.kind === 'working' ? (
          <button type="button" data-testid="export-cancel" onClick={() => running.current?.abort()}>
            {t('exportStop')}
          </button>
        ) : (
          <button type="button" onClick={onClose}>
            {t('cancel')}
          </button>
        )}
      </div>
      <OutcomeLine status={status} testId="export-status" />
    </form>
  );
}
