// The no-break spaces Spanish typing puts in a manuscript (« texto », 10 %) survive every export format.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exportBook, type ExportFormat, type ExportOptions } from './export.ts';
import { packagedPdfFonts, pdfText, tempFile, TEST_PDF_LABELS } from './validators.testing.ts';

const OPTIONS: ExportOptions = { language: 'es', pdfFonts: packagedPdfFonts, pdfLabels: TEST_PDF_LABELS, now: new Date('2026-11-29T10:00:00Z') };
// What the editor saves for « texto » typed with spaces, and for 10 %.
const BOOK = { id: 'nbsp-book', title: 'Espacios', author: 'Ana', content: '<p>Dijo: «&nbsp;texto&nbsp;». Al 10&nbsp;%.</p>' };
const KEPT = 'Dijo: «\u00a0texto\u00a0». Al 10\u00a0%.';

async function exported(format: ExportFormat): Promise<string> {
  const file = await exportBook(BOOK, format, OPTIONS);
  const path = tempFile(file.filename, file.bytes);
  if (format === 'docx') return execFileSync('unzip', ['-p', path, 'word/document.xml'], { encoding: 'utf8' });
  if (format === 'epub') return execFileSync('unzip', ['-p', path, '*.xhtml'], { encoding: 'utf8' });
  return new TextDecoder().decode(file.bytes);
}

/** Text with its markup taken out and its character references read. */
const plain = (text: string) =>
  text
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;|&#160;|&#xa0;/gi, '\u00a0')
    .replace(/\s*\n\s*/g, ' ');

describe('no-break spaces in exports', () => {
  it.each(['txt', 'md', 'html', 'epub', 'docx'] as const)('are kept in %s', async (format) => {
    expect(plain(await exported(format))).toContain(KEPT);
  });

  it('hold « and » to their word in PDF: no line ends with « or starts with »', async () => {
    // Words of every length between the quotes, so the line ends fall everywhere.
    const words = Array.from({ length: 300 }, (_, i) => `${'palabrería'.slice(0, 1 + ((i * i) % 10))} «&nbsp;sí&nbsp;»`);
    const long = { ...BOOK, content: `<p>${words.join(' ')}</p>` };
    const file = await exportBook(long, 'pdf', OPTIONS);
    const lines = pdfText(tempFile(file.filename, file.bytes)).split('\n');
    expect(lines.filter((line) => line.includes('sí')).length).toBeGreaterThan(20);
    expect(lines.filter((line) => /«\s*$/.test(line) || /^\s*»/.test(line))).toEqual([]);
  });
});
