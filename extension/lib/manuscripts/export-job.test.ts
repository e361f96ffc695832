import { describe, expect, it } from 'vitest';
import { countSources, pdfLabelsOf, runExportJob } from './export-job.ts';
import { COUNT_SLOT, type ExportJob, type ExportJobMessage } from './export-protocol.ts';
import { citedBook, generatedBook, SAMPLE_BOOK } from './sample.testing.ts';
import { packagedPdfFonts, pdfText, tempFile } from './validators.testing.ts';

const job = (overrides: Partial<ExportJob> = {}): ExportJob => ({
  book: SAMPLE_BOOK,
  format: 'pdf',
  language: 'es-ES',
  chapterPageBreaks: true,
  pdfStyle: 'manuscript',
  bibliography: false,
  pdfLabels: { approximateWords: `unas ${COUNT_SLOT} palabras`, byAuthor: `de ${SAMPLE_BOOK.author}` },
  ...overrides,
});

async function run(j: ExportJob): Promise<ExportJobMessage[]> {
  const messages: ExportJobMessage[] = [];
  await runExportJob(j, packagedPdfFonts, (m) => messages.push(m));
  return messages;
}

describe('an export job, as the worker runs it', () => {
  it('reports a PDF’s progress in order up to the whole, then hands over the file', async () => {
    const messages = await run(job({ book: { ...generatedBook(20_000), metadata: {} } }));
    const fractions = messages.flatMap((m) => (m.kind === 'progress' ? [m.fraction] : []));
    expect(fractions.length).toBeGreaterThan(20);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
    const last = messages.at(-1)!;
    expect(last.kind).toBe('done');
    if (last.kind !== 'done') return;
    expect(last.file.filename).toBe('Novela de 20000 palabras.pdf');
    // The labels the page translated, the count written the Spanish way.
    expect(pdfText(tempFile('job.pdf', last.file.bytes))).toContain('unas 20.000 palabras');
  }, 120_000);

  it('writes the other formats too, with the bibliography when asked', async () => {
    const messages = await run(job({ book: citedBook(), format: 'txt', bibliography: true }));
    const last = messages.at(-1)!;
    expect(last.kind === 'done' && new TextDecoder().decode(last.file.bytes)).toContain('Obras citadas');
  });

  it('answers a failure as a message, never by throwing', async () => {
    const messages = await run(job({ book: { ...SAMPLE_BOOK, content: 42 as unknown as string } }));
    expect(messages.at(-1)).toMatchObject({ kind: 'failed' });
  });

  it('counts the sources a book cites', async () => {
    const counts: ExportJobMessage[] = [];
    await countSources(citedBook().content, (m) => counts.push(m));
    await countSources('<p>Nada.</p>', (m) => counts.push(m));
    expect(counts).toEqual([{ kind: 'sources', count: 3 }, { kind: 'sources', count: 0 }]);
  });

  it('writes the count into a label translated before it was known', () => {
    expect(pdfLabelsOf({ language: 'en-US', pdfLabels: { approximateWords: `about ${COUNT_SLOT} words`, byAuthor: 'by A' } }).approximateWords(80_000)).toBe('about 80,000 words');
  });
});
