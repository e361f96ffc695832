// Test support: the real validators of exported files (epubcheck, pandoc, pdftotext, LibreOffice), run on temp files.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder holding `bytes` as `name`; returns the file's path. */
export function tempFile(name: string, bytes: Uint8Array | string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'anclora-export-')), name);
  writeFileSync(path, bytes);
  return path;
}

/** epubcheck's verdict: ok only with no fatal error, no error and no warning. */
export function epubcheck(path: string): { ok: boolean; report: string } {
  const run = spawnSync('java', ['-jar', '/usr/share/java/epubcheck.jar', '--failonwarnings', path], { encoding: 'utf8' });
  return { ok: run.status === 0, report: `${run.stdout}\n${run.stderr}` };
}

type PandocInline = { t: string; c?: any };
type PandocBlock = { t: string; c?: any };

export interface PandocReading {
  /** Text of every paragraph and heading, in order (line breaks as spaces). */
  lines: string[];
  /** [level, text] of every heading. */
  headings: Array<[number, string]>;
  /** "Kind:text" of every emphasis, strong, underline, strikeout and link. */
  marks: string[];
  meta: Record<string, string>;
}

function inlineText(inlines: PandocInline[], marks: string[]): string {
  let out = '';
  for (const i of inlines) {
    switch (i.t) {
      case 'Str':
        out += i.c;
        break;
      case 'Space':
      case 'SoftBreak':
      case 'LineBreak':
        out += ' ';
        break;
      case 'Emph':
      case 'Strong':
      case 'Underline':
      case 'Strikeout': {
        const text = inlineText(i.c, marks);
        marks.push(`${i.t}:${text}`);
        out += text;
        break;
      }
      case 'Link': {
        const text = inlineText(i.c[1], marks);
        marks.push(`Link:${text}:${i.c[2][0]}`);
        out += text;
        break;
      }
      case 'Span':
        out += inlineText(i.c[1], marks);
        break;
      case 'Quoted':
        out += inlineText(i.c[1], marks);
        break;
      case 'Code':
        out += i.c[1];
        break;
    }
  }
  return out;
}

function walk(blocks: PandocBlock[], r: PandocReading): void {
  for (const b of blocks) {
    switch (b.t) {
      case 'Para':
      case 'Plain':
        r.lines.push(inlineText(b.c, r.marks));
        break;
      case 'Header': {
        const text = inlineText(b.c[2], r.marks);
        r.lines.push(text);
        r.headings.push([b.c[0], text]);
        break;
      }
      case 'BlockQuote':
        walk(b.c, r);
        break;
      case 'Div':
        walk(b.c[1], r);
        break;
      case 'BulletList':
        for (const item of b.c) walk(item, r);
        break;
      case 'OrderedList':
        for (const item of b.c[1]) walk(item, r);
        break;
      case 'CodeBlock':
        r.lines.push(b.c[1]);
        break;
    }
  }
}

function metaText(value: any): string {
  if (value.t === 'MetaInlines') return inlineText(value.c, []);
  if (value.t === 'MetaString') return value.c;
  if (value.t === 'MetaList') return value.c.map(metaText).join(', ');
  return '';
}

/** What pandoc reads in a file: its text by block, headings, marks and metadata. */
export function pandocRead(path: string, from: string): PandocReading {
  const json = JSON.parse(execFileSync('pandoc', ['-f', from, '-t', 'json', path], { encoding: 'utf8', maxBuffer: 1 << 30 }));
  const reading: PandocReading = { lines: [], headings: [], marks: [], meta: {} };
  walk(json.blocks, reading);
  reading.lines = reading.lines.map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
  for (const [key, value] of Object.entries(json.meta ?? {})) reading.meta[key] = metaText(value);
  return reading;
}

/** The text pdftotext reads in a PDF. */
export function pdfText(path: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

/** The page count pdfinfo reads. */
export function pdfPages(path: string): number {
  const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
}

/** Converts a document with LibreOffice headless (a real office suite opening the file); returns the output's path. */
export function libreOfficeConvert(path: string, to: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'anclora-soffice-'));
  // HTML opens in Writer (not Writer/Web, which cannot save as Word).
  const infilter = path.endsWith('.html') ? ['--infilter=HTML (StarWriter)'] : [];
  // Its own profile folder, so parallel runs and a writer's LibreOffice never share one.
  const args = [`-env:UserInstallation=file://${dir}/profile`, '--headless', ...infilter, '--convert-to', to, '--outdir', dir, path];
  execFileSync('soffice', args, { stdio: 'pipe', timeout: 120_000 });
  const name = path.split('/').at(-1)!.replace(/\.[^.]+$/, `.${to.split(':')[0]}`);
  readFileSync(join(dir, name));
  return join(dir, name);
}

/** True when `words` appear in `text` in this order (other words may come between, e.g. running heads). */
export function inOrder(words: string[], text: string): { ok: boolean; missing?: string; at?: number } {
  const found = text.split(/\s+/u).filter(Boolean);
  let j = 0;
  for (let i = 0; i < words.length; i++) {
    while (j < found.length && found[j] !== words[i]) j++;
    if (j === found.length) return { ok: false, missing: words[i], at: i };
    j++;
  }
  return { ok: true };
}

/** The PDF fonts the extension ships, read from node_modules as the build copies them. */
export function packagedPdfFonts() {
  const dir = join(process.cwd(), 'node_modules/dejavu-fonts-ttf/ttf');
  const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  return Promise.resolve({
    regular: read('DejaVuSerif.ttf'),
    bold: read('DejaVuSerif-Bold.ttf'),
    italic: read('DejaVuSerif-Italic.ttf'),
    boldItalic: read('DejaVuSerif-BoldItalic.ttf'),
  });
}

export const TEST_PDF_LABELS = { approximateWords: (n: number) => `about ${n.toLocaleString('en')} words`, byAuthor: (a: string) => `by ${a}` };
