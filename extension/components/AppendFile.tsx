// In the editor: adds a manuscript file (DOCX, Markdown, HTML, text) at the end of the open book, and says what the
// book could not keep.
import { useState, type ChangeEvent } from 'react';
import { bookRepository } from '../lib/books/repository.ts';
import { t } from '../lib/i18n.ts';
import { appendBookFile } from '../lib/manuscripts/library.ts';
import { failureMessage, notKeptMessage, takeFile } from './LibraryTools.tsx';
import { OutcomeLine, type Outcome } from './OutcomeLine.tsx';

type Status = { kind: 'idle' } | { kind: 'working' } | Outcome;

export function AppendFile({ bookId }: { bookId: string }) {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const onChange = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = takeFile(event);
    if (!file) return;
    setStatus({ kind: 'working' });
    try {
      const { dropped } = await appendBookFile(file, bookId, bookRepository());
      setStatus({ kind: 'done', message: `${t('appendDone', file.name)} ${notKeptMessage(dropped)}` });
    } catch (error) {
      setStatus({ kind: 'failed', message: failureMessage(error) });
    }
  };

  return (
    <div className="append-file">
      <label className="file-button">
        <input
          type="file"
          data-testid="append-file"
          accept=".docx,.md,.markdown,.html,.htm,.txt"
          disabled={status.kind === 'working'}
          onChange={(e) => void onChange(e)}
        />
        <span>{status.kind === 'working' ? t('importing') : t('appendFile')}</span>
      </label>
      <OutcomeLine status={status} testId="append-status" />
    </div>
  );
}
