// PDF export with pdf-lib: a book-like layout or standard manuscript format, real text in embedded Unicode fonts.
import fontkit from '@pdf-lib/fontkit';
import {
  beginText,
  endText,
  PDFDocument,
  rgb,
  setFontAndSize,
  setTextMatrix,
  showText,
  type PDFFont,
  type PDFHexString,
  type PDFName,
  type PDFOperator,
  type PDFPage,
} from 'pdf-lib';
import { chapterLevel, wordCount, type Block, type Inline, type Manuscript } from './document.ts';

export type PdfStyle = 'manuscript' | 'book';

/** TrueType files for the four faces (the extension ships DejaVu Serif: Latin, Greek, Cyrillic and more). */
export interface PdfFontFiles {
  regular: Uint8Array;
  bold: Uint8Array;
  italic: Uint8Array;
  boldItalic: Uint8Array;
}

/** The words the PDF itself writes, in the writer's language. */
export interface PdfLabels {
  /** "about 80,000 words" on a manuscript's title page. */
  approximateWords: (n: number) => string;
  /** "by {author}" under the title. */
  byAuthor: (author: string) => string;
}

export interface PdfOptions {
  style: PdfStyle;
  fonts: PdfFontFiles;
  labels: PdfLabels;
  /** Called as the text is laid out, with the share done (0–1); saving the file is the last step after 1. */
  onProgress?: (fraction: number) => void;
}

interface Layout {
  width: number;
  height: number;
  margin: { top: number; bottom: number; left: number; right: number };
  size: number;
  leading: number;
  indent: number;
  /** Extra space between paragraphs (book style spaces nothing: indents mark paragraphs). */
  paragraphGap: number;
  justify: boolean;
  /** Chapters start on a new page this far down the text area. */
  chapterDrop: number;
}

// Standard manuscript format: US Letter, 1-inch margins, 12 pt double-spaced, half-inch paragraph indent.
const MANUSCRIPT: Layout = {
  width: 612,
  height: 792,
  margin: { top: 72, bottom: 72, left: 72, right: 72 },
  size: 12,
  leading: 24,
  indent: 36,
  paragraphGap: 0,
  justify: false,
  chapterDrop: 648 / 3,
};

// A trade paperback page (6 × 9 in), justified 11 pt text.
const BOOK: Layout = {
  width: 432,
  height: 648,
  margin: { top: 60, bottom: 60, left: 54, right: 54 },
  size: 11,
  leading: 15,
  indent: 18,
  paragraphGap: 0,
  justify: true,
  chapterDrop: 110,
};

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  italic: PDFFont;
  boldItalic: PDFFont;
}

interface Piece {
  text: string;
  font: PDFFont;
  width: number;
  underline?: boolean;
  strike?: boolean;
}

/** A word as pieces in their own faces ("he*llo*" is one word in two faces). */
type Word = Piece[];

const INK = rgb(0, 0, 0);

class Writer {
  private page!: PDFPage;
  private y = 0;
  private pageNumber = 0;
  private readonly widths = new Map<PDFFont, Map<string, number>>();
  /** Encoded words by face: shaping a word with fontkit is the costly part, and prose repeats its words. */
  private readonly encoded = new Map<PDFFont, Map<string, PDFHexString>>();
  /** The page's resource name of each face (registered once per page, not once per word). */
  private fontKeys = new Map<PDFFont, PDFName>();

  constructor(
    private readonly pdf: PDFDocument,
    private readonly fonts: Fonts,
    private readonly layout: Layout,
    private readonly header: ((page: number) => string) | null,
  ) {}

  get textWidth(): number {
    return this.layout.width - this.layout.margin.left - this.layout.margin.right;
  }

  width(text: string, font: PDFFont, size = this.layout.size): number {
    let cache = this.widths.get(font);
    if (!cache) this.widths.set(font, (cache = new Map()));
    let w = cache.get(text);
    if (w === undefined) cache.set(text, (w = font.widthOfTextAtSize(text, this.layout.size)));
    return (w * size) / this.layout.size;
  }

  private encode(text: string, font: PDFFont): PDFHexString {
    let cache = this.encoded.get(font);
    if (!cache) this.encoded.set(font, (cache = new Map()));
    let hex = cache.get(text);
    if (hex === undefined) cache.set(text, (hex = font.encodeText(text)));
    return hex;
  }

  private fontKey(font: PDFFont): PDFName {
    let key = this.fontKeys.get(font);
    if (!key) this.fontKeys.set(font, (key = this.page.node.newFontDictionary(font.name, font.ref)));
    return key;
  }

  /** Shows runs of text on one baseline in a single text object (far cheaper than one drawText per word). */
  private showRuns(runs: Array<{ text: string; font: PDFFont; x: number }>, y: number): void {
    const ops: PDFOperator[] = [beginText()];
    let current: PDFFont | null = null;
    for (const run of runs) {
      if (run.font !== current) {
        ops.push(setFontAndSize(this.fontKey(run.font), this.layout.size));
        current = run.font;
      }
      ops.push(setTextMatrix(1, 0, 0, 1, run.x, y), showText(this.encode(run.text, run.font)));
    }
    ops.push(endText());
    this.page.pushOperators(...ops);
  }

  newPage(): void {
    this.page = this.pdf.addPage([this.layout.width, this.layout.height]);
    this.fontKeys = new Map();
    this.pageNumber++;
    this.y = this.layout.height - this.layout.margin.top;
    const text = this.header?.(this.pageNumber);
    if (text) {
      const size = this.layout.size;
      const x = this.layout.width - this.layout.margin.right - this.width(text, this.fonts.regular, size);
      this.page.drawText(text, { x, y: this.layout.height - this.layout.margin.top / 2, size, font: this.fonts.regular, color: INK });
    }
  }

  /** Starts a new page when fewer than `lines` lines fit on this one. */
  ensureRoom(lines: number): void {
    if (this.y - lines * this.layout.leading < this.layout.margin.bottom) this.newPage();
  }

  skip(lines: number): void {
    this.y -= lines * this.layout.leading;
  }

  dropTo(offset: number): void {
    this.y = Math.min(this.y, this.layout.height - this.layout.margin.top - offset);
  }

  /** One centred line in one face. */
  centred(text: string, font: PDFFont, size = this.layout.size): void {
    this.ensureRoom(1);
    this.y -= this.layout.leading;
    const x = this.layout.margin.left + (this.textWidth - this.width(text, font, size)) / 2;
    this.page.drawText(text, { x, y: this.y, size, font, color: INK });
  }

  /** A line at the top left or right of the text area (title page). */
  corner(lines: string[], align: 'left' | 'right', top: number): void {
    lines.forEach((text, i) => {
      const w = this.width(text, this.fonts.regular);
      const x = align === 'left' ? this.layout.margin.left : this.layout.width - this.layout.margin.right - w;
      this.page.drawText(text, { x, y: top - (i + 1) * this.layout.size * 1.25, size: this.layout.size, font: this.fonts.regular, color: INK });
    });
  }

  /**
   * Sets words as lines between `left` and `right` insets, the first line indented by `firstIndent` and preceded by
   * `marker` (a list number) hanging in the left inset.
   */
  paragraph(words: Word[][], opts: { left: number; right: number; firstIndent: number; align: 'start' | 'centre'; marker?: string }): void {
    const width = this.textWidth - opts.left - opts.right;
    let first = true;
    for (const lineGroup of words) {
      const lines = this.breakLines(lineGroup, width, first ? opts.firstIndent : 0);
      lines.forEach((line, i) => {
        this.ensureRoom(1);
        this.y -= this.layout.leading;
        const indent = first && i === 0 ? opts.firstIndent : 0;
        if (first && i === 0 && opts.marker) {
          const mw = this.width(opts.marker, this.fonts.regular);
          this.page.drawText(opts.marker, { x: this.layout.margin.left + opts.left - mw - 4, y: this.y, size: this.layout.size, font: this.fonts.regular, color: INK });
        }
        const last = i === lines.length - 1;
        this.drawLine(line, this.layout.margin.left + opts.left + indent, width - indent, opts.align, this.layout.justify && !last && opts.align === 'start');
      });
      first = false;
    }
  }

  private lineWidth(line: Word[]): number {
    const space = this.width(' ', this.fonts.regular);
    return line.reduce((w, word, i) => w + word.reduce((a, p) => a + p.width, 0) + (i > 0 ? space : 0), 0);
  }

  private breakLines(words: Word[], width: number, firstIndent: number): Word[][] {
    const space = this.width(' ', this.fonts.regular);
    const lines: Word[][] = [];
    let line: Word[] = [];
    let used = 0;
    let room = width - firstIndent;
    for (const whole of words) {
      for (const word of this.splitLong(whole, width)) {
        const w = word.reduce((a, p) => a + p.width, 0);
        if (line.length > 0 && used + space + w > room) {
          lines.push(line);
          line = [];
          used = 0;
          room = width;
        }
        used += (line.length ? space : 0) + w;
        line.push(word);
      }
    }
    if (line.length) lines.push(line);
    return lines;
  }

  /** A word wider than the line (a long link) is cut where it reaches the margin. */
  private splitLong(word: Word, width: number): Word[] {
    if (word.reduce((a, p) => a + p.width, 0) <= width) return [word];
    const out: Word[] = [];
    let current: Word = [];
    let used = 0;
    for (const piece of word) {
      for (const ch of piece.text) {
        const w = this.width(ch, piece.font);
        if (used + w > width && current.length) {
          out.push(current);
          current = [];
          used = 0;
        }
        const last = current.at(-1);
        if (last && last.font === piece.font && last.underline === piece.underline && last.strike === piece.strike) {
          last.text += ch;
          last.width += w;
        } else current.push({ ...piece, text: ch, width: w });
        used += w;
      }
    }
    if (current.length) out.push(current);
    return out;
  }

  private drawLine(line: Word[], x0: number, width: number, align: 'start' | 'centre', justify: boolean): void {
    const natural = this.lineWidth(line);
    const space = this.width(' ', this.fonts.regular);
    const gap = justify && line.length > 1 ? space + (width - natural) / (line.length - 1) : space;
    let x = align === 'centre' ? x0 + (width - natural) / 2 : x0;
    const size = this.layout.size;
    const runs: Array<{ text: string; font: PDFFont; x: number }> = [];
    line.forEach((word, i) => {
      for (const piece of word) {
        const last = runs.at(-1);
        // Unjustified words in one face share a run (the space is text, so extraction keeps the words apart).
        if (last && i > 0 && piece === word[0] && !justify && last.font === piece.font) last.text += ` ${piece.text}`;
        else runs.push({ text: piece.text, font: piece.font, x });
        if (piece.underline) this.page.drawLine({ start: { x, y: this.y - 1.5 }, end: { x: x + piece.width, y: this.y - 1.5 }, thickness: 0.6, color: INK });
        if (piece.strike) this.page.drawLine({ start: { x, y: this.y + size * 0.3 }, end: { x: x + piece.width, y: this.y + size * 0.3 }, thickness: 0.6, color: INK });
        x += piece.width;
      }
      // Unjustified, the space after a word is that face's own, as it is inside a shared run.
      x += justify ? gap : this.width(' ', word.at(-1)!.font);
    });
    this.showRuns(runs, this.y);
  }
}

function faceOf(fonts: Fonts, bold: boolean, italic: boolean): PDFFont {
  return bold ? (italic ? fonts.boldItalic : fonts.bold) : italic ? fonts.italic : fonts.regular;
}

/** Inline runs as lines (split at line breaks) of words (split at spaces), each piece in its face. */
function wordsOf(writer: Writer, fonts: Fonts, inlines: Inline[], force: { bold?: boolean; italic?: boolean } = {}): Word[][] {
  const lines: Word[][] = [[]];
  let word: Word = [];
  const endWord = () => {
    if (word.length) lines.at(-1)!.push(word);
    word = [];
  };
  for (const inline of inlines) {
    if (inline.kind === 'break') {
      endWord();
      lines.push([]);
      continue;
    }
    const font = faceOf(fonts, !!(inline.marks.bold || force.bold), !!(inline.marks.italic || force.italic));
    // A no-break space (« texto », 10 %) stays inside its word, so a line never breaks there.
    for (const part of inline.text.split(/([^\S\u00a0]+)/)) {
      if (!part) continue;
      if (/^[^\S\u00a0]+$/.test(part)) {
        endWord();
        continue;
      }
      word.push({ text: part, font, width: writer.width(part, font), underline: !!(inline.marks.underline || inline.marks.href) || undefined, strike: inline.marks.strike });
    }
  }
  endWord();
  return lines;
}

function writeBlocks(
  writer: Writer,
  fonts: Fonts,
  layout: Layout,
  blocks: Block[],
  ctx: { left: number; right: number; chapterLevel: number | null; quoted: boolean; atStart: boolean },
  done?: (count: number) => void,
): void {
  let previous: Block['kind'] | 'start' = ctx.atStart ? 'start' : 'paragraph';
  for (const [index, b] of blocks.entries()) {
    done?.(index);
    switch (b.kind) {
      case 'heading': {
        const chapter = b.level === ctx.chapterLevel && !ctx.quoted;
        if (chapter) {
          writer.newPage();
          writer.dropTo(layout.chapterDrop);
        } else {
          writer.ensureRoom(3);
          writer.skip(1);
        }
        writer.paragraph(wordsOf(writer, fonts, b.inlines, { bold: layout === BOOK || b.level > 1 }), { left: ctx.left, right: ctx.right, firstIndent: 0, align: 'centre' });
        if (chapter) writer.skip(1);
        break;
      }
      case 'paragraph': {
        // The first paragraph after a heading, a break or a quote is not indented (both styles follow book usage).
        const indent = previous === 'paragraph' ? layout.indent : 0;
        // A reference hangs: its first line at the margin, the rest indented.
        const placing = b.role === 'reference' ? { left: ctx.left + layout.indent, firstIndent: -layout.indent } : { left: ctx.left, firstIndent: indent };
        writer.paragraph(wordsOf(writer, fonts, b.inlines, { italic: ctx.quoted && layout === BOOK }), { ...placing, right: ctx.right, align: 'start' });
        if (layout.paragraphGap) writer.skip(layout.paragraphGap);
        break;
      }
      case 'quote':
        writeBlocks(writer, fonts, layout, b.blocks, { ...ctx, left: ctx.left + layout.indent, right: ctx.right + layout.indent, quoted: true, atStart: true });
        break;
      case 'list': {
        const left = ctx.left + layout.indent;
        b.items.forEach((item, i) => {
          const marker = b.ordered ? `${listLabel(b.start + i, b.style)}.` : '•';
          const [head, ...rest] = item;
          if (head && (head.kind === 'paragraph' || head.kind === 'heading')) {
            writer.paragraph(wordsOf(writer, fonts, head.inlines), { left, right: ctx.right, firstIndent: 0, align: 'start', marker });
            writeBlocks(writer, fonts, layout, rest, { ...ctx, left, atStart: true });
          } else {
            writeBlocks(writer, fonts, layout, item, { ...ctx, left, atStart: true });
          }
        });
        break;
      }
      case 'code':
        writer.paragraph(
          b.text.split('\n').map((line) => wordsOf(writer, fonts, [{ kind: 'text', text: line, marks: {} }])[0]!),
          { left: ctx.left + layout.indent, right: ctx.right, firstIndent: 0, align: 'start' },
        );
        break;
      case 'table':
        // No grid: one line per row with its cells apart, so every word is there in reading order.
        for (const row of b.rows) {
          const inlines: Inline[] = row.flatMap((c, i) => [...(i > 0 ? [{ kind: 'text' as const, text: ' | ', marks: {} }] : []), ...c.inlines]);
          writer.paragraph(wordsOf(writer, fonts, inlines), { left: ctx.left, right: ctx.right, firstIndent: 0, align: 'start' });
        }
        break;
      case 'rule':
        // The scene break of each tradition: "#" in a manuscript, an ornament in a book.
        writer.centred(layout === MANUSCRIPT ? '#' : '* * *', fonts.regular);
        break;
    }
    previous = b.kind;
  }
}

const ROMAN: Array<[number, string]> = [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']];

function listLabel(n: number, style: '1' | 'a' | 'A' | 'i' | 'I'): string {
  if (style === '1' || n < 1) return String(n);
  if (style === 'a' || style === 'A') {
    let s = '';
    for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(97 + ((k - 1) % 26)) + s;
    return style === 'A' ? s.toUpperCase() : s;
  }
  let s = '';
  let k = n;
  for (const [value, numeral] of ROMAN) for (; k >= value; k -= value) s += numeral;
  return style === 'I' ? s.toUpperCase() : s;
}

/** Word count as manuscripts state it: rounded to the nearest hundred (to the nearest ten under a thousand). */
export function approximateWordCount(n: number): number {
  const unit = n < 1000 ? 10 : 100;
  return Math.max(unit, Math.round(n / unit) * unit);
}

function surname(author: string): string {
  return author.trim().split(/\s+/).at(-1) ?? '';
}

/** The book as PDF bytes. */
export async function manuscriptToPdf(m: Manuscript, options: PdfOptions): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const embed = (bytes: Uint8Array) => pdf.embedFont(bytes, { subset: true });
  const fonts: Fonts = {
    regular: await embed(options.fonts.regular),
    bold: await embed(options.fonts.bold),
    italic: await embed(options.fonts.italic),
    boldItalic: await embed(options.fonts.boldItalic),
  };
  pdf.setTitle(m.title);
  if (m.author) pdf.setAuthor(m.author);
  pdf.setLanguage(m.language);
  pdf.setCreator('Anclora Press');
  pdf.setProducer('Anclora Press');

  const manuscript = options.style === 'manuscript';
  const layout = manuscript ? MANUSCRIPT : BOOK;
  // Manuscript pages carry "Surname / Title / page" from the first page of text on (the title page has none).
  const headerBase = [surname(m.author), m.title].filter(Boolean).join(' / ');
  const header = manuscript ? (page: number) => (page > 1 ? `${headerBase} / ${page - 1}` : '') : null;
  const writer = new Writer(pdf, fonts, layout, header);

  writer.newPage();
  if (manuscript) {
    const top = layout.height - layout.margin.top;
    if (m.author) writer.corner([m.author], 'left', top);
    writer.corner([options.labels.approximateWords(approximateWordCount(wordCount(m.blocks)))], 'right', top);
    writer.dropTo((layout.height - layout.margin.top - layout.margin.bottom) / 2 - layout.leading * 2);
  } else {
    writer.dropTo(layout.chapterDrop);
  }
  writer.centred(m.title, fonts.bold, layout.size * (manuscript ? 1 : 1.6));
  if (m.author) {
    writer.skip(manuscript ? 0 : 1);
    writer.centred(options.labels.byAuthor(m.author), manuscript ? fonts.regular : fonts.italic);
  }

  const level = chapterLevel(m.blocks);
  // Text before the first chapter heading starts on a page of its own after the title page.
  if (m.blocks[0]?.kind !== 'heading' || m.blocks[0].level !== level) writer.newPage();
  const total = m.blocks.length;
  // About a hundred reports for the whole book: enough for a smooth bar, few enough to cost nothing.
  const every = Math.max(1, Math.floor(total / 100));
  const report = options.onProgress;
  const done = report ? (count: number) => count % every === 0 && report(count / total) : undefined;
  writeBlocks(writer, fonts, layout, m.blocks, { left: 0, right: 0, chapterLevel: level, quoted: false, atStart: true }, done);
  options.onProgress?.(1);
  return pdf.save();
}
