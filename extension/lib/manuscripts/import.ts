// Importing a manuscript file (DOCX, Markdown, HTML, plain text) as manuscript HTML, with a list of what could not be
// kept: every format is brought to HTML, then reduced to the manuscript policy (shared/html-policy.ts).
import render from 'dom-serializer';
import { strFromU8, unzipSync } from 'fflate';
import type { ChildNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';
import { ALLOWED_TAGS, isAllowedHref, policySanitizeOptions } from '../../../shared/html-policy.ts';
import { scanMarkup } from '../../../shared/markup-guard.ts';

export const IMPORT_FORMATS = ['docx', 'md', 'html', 'txt'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The file extensions each format is recognised by. */
const EXTENSIONS: Record<string, ImportFormat> = { docx: 'docx', md: 'md', markdown: 'md', html: 'html', htm: 'html', xhtml: 'html', txt: 'txt', text: 'txt' };

/** What an import could not keep, by kind; `count` items of it. Footnotes are kept as text (see `notes`). */
export type DroppedKind = 'image' | 'table' | 'comment' | 'footnote' | 'media' | 'formatting';

export interface Dropped {
  kind: DroppedKind;
  count: number;
}

export interface ImportedManuscript {
  title: string;
  author: string;
  /** Manuscript HTML within the policy. */
  content: string;
  /** BCP 47 language when the file names one (Markdown front matter, <html lang>, a DOCX's default language). */
  language?: string;
  dropped: Dropped[];
}

export class ImportError extends Error {
  constructor(readonly reason: 'format' | 'unreadable' | 'too_large', detail?: string) {
    super(detail ?? reason);
    this.name = 'ImportError';
  }
}

export function importFormatOf(filename: string): ImportFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  return (ext && EXTENSIONS[ext]) || null;
}

/** The title a file's name suggests ("my-novel_v2.docx" → "my-novel_v2"). */
function titleFromName(filename: string): string {
  return filename.replace(/\.[^.]+$/, '').trim();
}

/** Reads `bytes` (a file named `filename`) as a manuscript. */
export async function importManuscript(filename: string, bytes: Uint8Array): Promise<ImportedManuscript> {
  const format = importFormatOf(filename);
  if (!format) throw new ImportError('format', filename);
  const fallbackTitle = titleFromName(filename);
  switch (format) {
    case 'docx':
      return fromDocx(bytes, fallbackTitle);
    case 'md':
      return fromMarkdown(decodeText(bytes), fallbackTitle);
    case 'html':
      return fromHtml(decodeText(bytes), fallbackTitle);
    case 'txt':
      return { title: fallbackTitle, author: '', content: textToHtml(decodeText(bytes)), dropped: [] };
  }
}

/** UTF-8 (with or without BOM); a file that is not valid UTF-8 is read as Windows-1252, as older editors saved. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

const escapeText = (text: string) => text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

/** Plain text: paragraphs are separated by blank lines; a single line break inside one is kept as a break. */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => `<p>${block.split('\n').map((line) => escapeText(line.trim())).join('<br>')}</p>`)
    .join('');
}

/** Markdown front matter: the simple `key: value` lines our export writes (values may be JSON-quoted). */
function frontMatter(md: string): { meta: Record<string, string>; body: string } {
  const match = /^\uFEFF?---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(md);
  if (!match) return { meta: {}, body: md };
  const meta: Record<string, string> = {};
  for (const line of match[1]!.split('\n')) {
    const kv = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (!kv) continue;
    let value = kv[2]!.trim();
    if (/^".*"$/.test(value)) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    } else if (/^'.*'$/.test(value)) value = value.slice(1, -1).replace(/''/g, "'");
    meta[kv[1]!.toLowerCase()] = value;
  }
  return { meta, body: md.slice(match[0].length) };
}

async function fromMarkdown(md: string, fallbackTitle: string): Promise<ImportedManuscript> {
  const { meta, body } = frontMatter(md);
  const { marked } = await import('marked');
  const html = await marked.parse(body, { gfm: true });
  const result = cleanHtml(html);
  return { ...result, title: meta.title || fallbackTitle, author: meta.author ?? '', language: meta.lang || meta.language || undefined };
}

function fromHtml(html: string, fallbackTitle: string): ImportedManuscript {
  const doc = parseDocument(html);
  const find = (nodes: ChildNode[], test: (el: Element) => boolean): Element | undefined => {
    for (const n of nodes) {
      if (n.type !== 'tag') continue;
      if (test(n)) return n;
      const inner = find(n.children, test);
      if (inner) return inner;
    }
    return undefined;
  };
  const title = find(doc.children, (el) => el.name === 'title');
  const author = find(doc.children, (el) => el.name === 'meta' && el.attribs.name?.toLowerCase() === 'author');
  const lang = find(doc.children, (el) => el.name === 'html')?.attribs.lang;
  const body = find(doc.children, (el) => el.name === 'body');
  // Our own standalone HTML export carries its title page: it is the book's title and author, not its text.
  const titlePage = find(doc.children, (el) => el.name === 'header' && /\btitle-page\b/.test(el.attribs.class ?? ''));
  if (titlePage) titlePage.children = [];
  const result = cleanNodes(body ? body.children : doc.children);
  return {
    ...result,
    title: (title ? textOf(title.children).trim() : '') || fallbackTitle,
    author: author?.attribs.content?.trim() ?? '',
    language: lang || undefined,
  };
}

// Word styles our DOCX export writes and that writers use: quotes as quotes, title and author as the book's own.
const DOCX_STYLE_MAP = [
  "p[style-name='Title'] => p.import-title:fresh",
  "p[style-name='Subtitle'] => p.import-subtitle:fresh",
  "p[style-name='Author'] => p.import-author:fresh",
  "p[style-name='Quote'] => blockquote > p:fresh",
  "p[style-name='Intense Quote'] => blockquote > p:fresh",
  "p[style-name='Block Text'] => blockquote > p:fresh",
  // LibreOffice's name for a quotation paragraph (Word calls it Quote).
  "p[style-name='Quotations'] => blockquote > p:fresh",
  // Emphasis given as a character style (Word's built-in Emphasis; LibreOffice's <em>) rather than direct italics.
  "r[style-name='Emphasis'] => em",
  "r[style-name='Intense Emphasis'] => em",
  'u => u',
  'comment-reference => sup.import-comment',
];

async function fromDocx(bytes: Uint8Array, fallbackTitle: string): Promise<ImportedManuscript> {
  const mammoth = (await import('mammoth')).default;
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let html: string;
  try {
    // Node's mammoth reads `buffer`, the browser's reads `arrayBuffer`: both are given.
    const input = { arrayBuffer: buffer, buffer } as unknown as Parameters<typeof mammoth.convertToHtml>[0];
    html = (await mammoth.convertToHtml(input, { styleMap: DOCX_STYLE_MAP })).value;
  } catch (error) {
    throw new ImportError('unreadable', error instanceof Error ? error.message : String(error));
  }
  const doc = parseDocument(html);
  let title = '';
  let author = '';
  let comments = 0;
  const walk = (nodes: ChildNode[]) => {
    for (const node of [...nodes]) {
      if (node.type !== 'tag') continue;
      const cls = node.attribs.class ?? '';
      if (cls === 'import-title' || cls === 'import-author' || cls === 'import-subtitle') {
        const text = textOf(node.children).trim();
        if (cls === 'import-title') title ||= text;
        if (cls === 'import-author') author ||= text;
        remove(node);
      } else if (cls === 'import-comment') {
        comments++;
        remove(node);
      } else if (node.name === 'dl' && /^comment-/.test(firstChildTag(node)?.attribs.id ?? '')) {
        // mammoth appends the comments' text as a definition list: reviewers' notes, not the manuscript.
        remove(node);
      } else {
        walk(node.children);
      }
    }
  };
  walk(doc.children);
  const result = cleanNodes(doc.children);
  if (comments) result.dropped.push({ kind: 'comment', count: comments });
  return { ...result, title: title || fallbackTitle, author, language: docxLanguage(bytes) };
}

/**
 * The language a DOCX's text is in: the default run language of its styles (what Word and LibreOffice set from the
 * document's language), which mammoth does not read.
 */
function docxLanguage(bytes: Uint8Array): string | undefined {
  let styles: Uint8Array | undefined;
  try {
    styles = unzipSync(bytes, { filter: (file) => file.name === 'word/styles.xml' })['word/styles.xml'];
  } catch {
    return undefined;
  }
  const defaults = styles && /<w:docDefaults>[\s\S]*?<\/w:docDefaults>/.exec(strFromU8(styles))?.[0];
  return (defaults && /<w:lang\b[^>]*\bw:val="([^"]+)"/.exec(defaults)?.[1]) || undefined;
}

function firstChildTag(el: Element): Element | undefined {
  return el.children.find((c): c is Element => c.type === 'tag');
}

function remove(node: ChildNode): void {
  const siblings = node.parent?.children;
  if (siblings) siblings.splice(siblings.indexOf(node), 1);
}

function textOf(nodes: ChildNode[]): string {
  return nodes.map((n) => (n.type === 'text' ? n.data : n.type === 'tag' ? textOf(n.children) : '')).join('');
}

function cleanHtml(html: string): { content: string; dropped: Dropped[] } {
  return cleanNodes(parseDocument(html).children);
}

const MEDIA = new Set(['video', 'audio', 'iframe', 'object', 'embed', 'svg', 'math', 'canvas', 'picture']);
const FORMATTING = new Set(['u', 'ins', 'sup', 'sub', 'mark', 'small', 'big', 'font']);
const ALLOWED = new Set<string>(ALLOWED_TAGS);

/**
 * Reduces parsed HTML to the manuscript policy and counts what could not be kept: images and media are removed,
 * tables (where the policy has none) become one paragraph per row (cells separated by " | "), footnote references are removed while the notes'
 * text stays where the converter put it (at the end), formatting outside the policy is dropped around its text.
 */
function cleanNodes(nodes: ChildNode[]): { content: string; dropped: Dropped[] } {
  const counts = new Map<DroppedKind, number>();
  const count = (kind: DroppedKind) => counts.set(kind, (counts.get(kind) ?? 0) + 1);
  const walk = (list: ChildNode[]) => {
    for (const node of [...list]) {
      if (node.type !== 'tag') continue;
      const name = node.name.toLowerCase();
      if (name === 'img') {
        count('image');
        remove(node);
      } else if (MEDIA.has(name)) {
        count('media');
        remove(node);
      } else if (name === 'table' && !ALLOWED.has('table')) {
        count('table');
        flattenTable(node);
      } else if (name === 'a' && /^#(footnote|endnote)-\d+$/.test(node.attribs.href ?? '')) {
        // A note's reference mark ("[1]") in the text; mammoth wraps it in <sup>.
        count('footnote');
        const sup = node.parent?.type === 'tag' && node.parent.name === 'sup' ? node.parent : node;
        remove(sup);
      } else if (name === 'a' && /^#(footnote|endnote)-ref-\d+$/.test(node.attribs.href ?? '')) {
        remove(node); // the "↑" back link of a note
      } else {
        if (FORMATTING.has(name) && !ALLOWED.has(name)) count('formatting');
        walk(node.children);
      }
    }
  };
  walk(nodes);
  const html = nodes.map((n) => render(n, { decodeEntities: true, encodeEntities: 'utf8' })).join('');
  const scan = scanMarkup(html);
  if (scan.exceeded) throw new ImportError('too_large', scan.exceeded);
  const content = sanitizeHtml(html, importPolicy())
    .replace(/<p>\s*<\/p>/g, '')
    // A scene break typed as a paragraph ("* * *", "***", "#"), as word processors hold them, is a break again.
    .replace(/<p>\s*(?:\*\s*\*\s*\*|#)\s*<\/p>/g, '<hr>')
    // Whitespace between blocks is the converter's layout, not text (the editor stores blocks back to back).
    .replace(/(<\/(?:p|h[1-6]|blockquote|ul|ol|li|pre)>|<hr\s*\/?>|<(?:blockquote|ul|ol)(?:\s[^>]*)?>)\s+(?=<)/g, '$1')
    .trim();
  return { content, dropped: [...counts].map(([kind, n]) => ({ kind, count: n })) };
}

function importPolicy(): sanitizeHtml.IOptions {
  const policy = policySanitizeOptions();
  return {
    ...policy,
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'title', 'head', 'select', 'button'],
    transformTags: {
      ...policy.transformTags,
      // Only absolute http(s)/mailto links are kept (internal anchors of a document mean nothing in a book).
      a: (tagName, attribs) => {
        const kept: Record<string, string> = {};
        if (attribs.href && isAllowedHref(attribs.href)) kept.href = attribs.href;
        return { tagName, attribs: kept };
      },
    },
  };
}

/** A table as paragraphs: one per row, its cells' text separated by " | " (the text stays, the grid cannot). */
function flattenTable(table: Element): void {
  const rows: string[] = [];
  const collect = (nodes: ChildNode[]) => {
    for (const n of nodes) {
      if (n.type !== 'tag') continue;
      if (n.name === 'tr') {
        const cells = n.children.filter((c): c is Element => c.type === 'tag' && (c.name === 'td' || c.name === 'th'));
        const text = cells.map((c) => textOf(c.children).replace(/\s+/g, ' ').trim()).filter(Boolean).join(' | ');
        if (text) rows.push(text);
      } else collect(n.children);
    }
  };
  collect(table.children);
  const replacement = parseDocument(rows.map((r) => `<p>${escapeText(r)}</p>`).join('')).children;
  const siblings = table.parent?.children ?? null;
  if (!siblings) return;
  const at = siblings.indexOf(table);
  siblings.splice(at, 1, ...replacement);
  for (const r of replacement) r.parent = table.parent;
}
