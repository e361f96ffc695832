// Word (DOCX) export with the `docx` library: Word's own styles for title, headings, body, quotes and lists.
import {
  AlignmentType,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ILevelsOptions,
  type INumberingOptions,
  type ParagraphChild,
} from 'docx';
import { chapterLevel, type Block, type Inline, type Manuscript, type OrderedStyle } from './document.ts';

export interface DocxOptions {
  /** Start each chapter (top-level heading) on a new page. */
  chapterPageBreaks: boolean;
}

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];
const FORMATS: Record<OrderedStyle, (typeof LevelFormat)[keyof typeof LevelFormat]> = {
  '1': LevelFormat.DECIMAL,
  a: LevelFormat.LOWER_LETTER,
  A: LevelFormat.UPPER_LETTER,
  i: LevelFormat.LOWER_ROMAN,
  I: LevelFormat.UPPER_ROMAN,
};
const BULLETS = ['•', '◦', '▪'];
const LIST_LEVELS = 9;

/** Numbering definitions: one for bullets, one per (style, start) of ordered lists; each list gets its own instance. */
class Numbering {
  private readonly configs = new Map<string, INumberingOptions['config'][number]>();
  private instances = 0;

  constructor() {
    this.configs.set('bullet', { reference: 'bullet', levels: this.levels((level) => ({ format: LevelFormat.BULLET, text: BULLETS[level % BULLETS.length]! })) });
  }

  /** The numbering a new list uses (an ordered list restarts at its own start). */
  forList(b: Extract<Block, { kind: 'list' }>): { reference: string; instance: number } {
    const reference = b.ordered ? `ordered-${b.style}-${b.start}` : 'bullet';
    if (!this.configs.has(reference)) {
      this.configs.set(reference, {
        reference,
        levels: this.levels((level) => ({ format: FORMATS[b.style], text: `%${level + 1}.`, start: level === 0 ? b.start : 1 })),
      });
    }
    return { reference, instance: ++this.instances };
  }

  options(): INumberingOptions {
    return { config: [...this.configs.values()] };
  }

  private levels(of: (level: number) => Pick<ILevelsOptions, 'format' | 'text' | 'start'>): ILevelsOptions[] {
    return Array.from({ length: LIST_LEVELS }, (_, level) => ({
      level,
      ...of(level),
      alignment: AlignmentType.LEFT,
      style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
    }));
  }
}

function runs(inlines: Inline[], extra: { italics?: boolean } = {}): ParagraphChild[] {
  return inlines.map((i) => {
    if (i.kind === 'break') return new TextRun({ break: 1 });
    const run = new TextRun({
      text: i.text,
      bold: i.marks.bold,
      italics: i.marks.italic || extra.italics,
      underline: i.marks.underline ? {} : undefined,
      strike: i.marks.strike,
      font: i.marks.code ? 'Courier New' : undefined,
      style: i.marks.href ? 'Hyperlink' : undefined,
    });
    return i.marks.href ? new ExternalHyperlink({ link: i.marks.href, children: [run] }) : run;
  });
}

interface Context {
  numbering: Numbering;
  chapterLevel: number | null;
  options: DocxOptions;
  quoted: boolean;
  list?: { reference: string; instance: number; level: number };
  first: boolean;
}

function paragraphs(blocks: Block[], ctx: Context): Array<Paragraph | Table> {
  const out: Array<Paragraph | Table> = [];
  for (const b of blocks) {
    const listing = ctx.list ? { numbering: { reference: ctx.list.reference, instance: ctx.list.instance, level: ctx.list.level } } : {};
    switch (b.kind) {
      case 'heading': {
        const breakBefore = ctx.options.chapterPageBreaks && b.level === ctx.chapterLevel && !ctx.first;
        out.push(new Paragraph({ heading: HEADINGS[b.level - 1], children: runs(b.inlines), pageBreakBefore: breakBefore }));
        break;
      }
      case 'paragraph':
        out.push(new Paragraph({ style: b.role === 'reference' ? 'Bibliography' : ctx.quoted && !ctx.list ? 'Quote' : undefined, children: runs(b.inlines), ...listing }));
        break;
      case 'quote':
        out.push(...paragraphs(b.blocks, { ...ctx, quoted: true }));
        break;
      case 'list': {
        const numbering = ctx.numbering.forList(b);
        const level = ctx.list ? Math.min(ctx.list.level + 1, LIST_LEVELS - 1) : 0;
        for (const item of b.items) {
          // The first paragraph of an item carries its number; the rest of the item is indented with it.
          const [head, ...rest] = item;
          if (head) out.push(...paragraphs([head], { ...ctx, list: { ...numbering, level } }));
          if (rest.length) out.push(...paragraphs(rest, { ...ctx, list: undefined, quoted: ctx.quoted }));
        }
        break;
      }
      case 'code':
        out.push(
          new Paragraph({
            children: b.text.split('\n').map((line, i) => new TextRun({ text: line, font: 'Courier New', break: i > 0 ? 1 : undefined })),
          }),
        );
        break;
      case 'rule':
        out.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun('* * *')] }));
        break;
      case 'table':
        out.push(
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: b.rows.map(
              (row) =>
                new TableRow({
                  children: row.map((cell) => new TableCell({ children: [new Paragraph({ children: runs(cell.inlines.map((i) => (i.kind === 'text' && cell.header ? { ...i, marks: { ...i.marks, bold: true as const } } : i))) })] })),
                }),
            ),
          }),
        );
        break;
    }
    ctx = { ...ctx, first: false };
  }
  return out;
}

/** The book as a .docx file (bytes): a title page, then the text. */
export async function manuscriptToDocx(m: Manuscript, options: DocxOptions): Promise<Uint8Array> {
  const numbering = new Numbering();
  const body = paragraphs(m.blocks, { numbering, chapterLevel: chapterLevel(m.blocks), options, quoted: false, first: true });
  const titlePage = [
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, spacing: { before: 3600 }, children: [new TextRun(m.title)] }),
    ...(m.author ? [new Paragraph({ style: 'Author', children: [new TextRun(m.author)] })] : []),
  ];
  const doc = new Document({
    creator: m.author || undefined,
    title: m.title,
    styles: {
      // The book's language on every run: Word spell-checks and hyphenates by it (and pandoc reads it as `lang`).
      default: { document: { run: { font: 'Times New Roman', size: 24, language: { value: m.language } }, paragraph: { spacing: { line: 360 } } } },
      paragraphStyles: [
        { id: 'Author', name: 'Author', basedOn: 'Normal', next: 'Normal', quickFormat: true, run: { size: 28, italics: true }, paragraph: { alignment: AlignmentType.CENTER } },
        // Word's own style for reference lists: a half-inch hanging indent.
        { id: 'Bibliography', name: 'Bibliography', basedOn: 'Normal', next: 'Bibliography', quickFormat: true, paragraph: { indent: { left: 720, hanging: 720 }, spacing: { after: 120 } } },
        { id: 'Quote', name: 'Quote', basedOn: 'Normal', next: 'Normal', quickFormat: true, run: { italics: true }, paragraph: { indent: { left: 720, right: 720 } } },
      ],
    },
    numbering: numbering.options(),
    sections: [{ children: titlePage }, { children: body }],
  });
  return new Uint8Array(await Packer.toArrayBuffer(doc));
}
