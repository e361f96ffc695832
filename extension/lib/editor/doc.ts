// Fast HTML and counts of a large ProseMirror document: top-level blocks are immutable and shared between editor
// states, so each block is serialised and counted once and reused until that block changes.
import { createDocument, type Editor } from '@tiptap/react';
import { DOMSerializer, Fragment, type Node as PMNode, type Schema } from '@tiptap/pm/model';
import { splitBlocks } from '../../../shared/manuscript/blocks.ts';
import { diffStrings } from '../../../shared/manuscript/diff.ts';
import type { BookCounts } from '../books/db.ts';
import { countText } from '../books/words.ts';
import { anchorView } from './view-anchor.ts';

const htmlCache = new WeakMap<PMNode, string>();
const countCache = new WeakMap<PMNode, BookCounts>();
const serializers = new WeakMap<Schema, DOMSerializer>();

function serializerFor(schema: Schema): DOMSerializer {
  let serializer = serializers.get(schema);
  if (!serializer) serializers.set(schema, (serializer = DOMSerializer.fromSchema(schema)));
  return serializer;
}

function blockHtml(node: PMNode, serializer: DOMSerializer, container: HTMLElement): string {
  let html = htmlCache.get(node);
  if (html === undefined) {
    container.replaceChildren(serializer.serializeNode(node));
    html = container.innerHTML;
    htmlCache.set(node, html);
  }
  return html;
}

/** The same HTML as TipTap's `editor.getHTML()`, reusing the serialisation of unchanged blocks. */
export function docToHtml(doc: PMNode): string {
  const serializer = serializerFor(doc.type.schema);
  const container = document.implementation.createHTMLDocument().createElement('div');
  let html = '';
  doc.forEach((block) => {
    html += blockHtml(block, serializer, container);
  });
  return html;
}

/**
 * Serialises and counts uncached blocks from index `from` until `budgetMs` has passed; returns the index to resume
 * at (the block count when done). Run in idle time after opening a large book so its first save is cheap.
 */
export function warmBlocks(doc: PMNode, from: number, budgetMs: number): number {
  const serializer = serializerFor(doc.type.schema);
  const container = document.implementation.createHTMLDocument().createElement('div');
  const stopAt = performance.now() + budgetMs;
  let index = from;
  for (; index < doc.childCount && performance.now() < stopAt; index++) {
    const block = doc.child(index);
    blockHtml(block, serializer, container);
    blockCounts(block);
  }
  return index;
}

function blockCounts(node: PMNode): BookCounts {
  let counts = countCache.get(node);
  if (!counts) {
    counts = countText(node.textBetween(0, node.content.size, ' ', ' '));
    countCache.set(node, counts);
  }
  return counts;
}

/** Word and character counts of the document, matching `countHtml` of its HTML (blocks join with one space). */
export function docCounts(doc: PMNode): BookCounts {
  let wordCount = 0;
  let charCount = 0;
  let nonEmptyBlocks = 0;
  doc.forEach((block) => {
    const counts = blockCounts(block);
    wordCount += counts.wordCount;
    charCount += counts.charCount;
    if (counts.charCount > 0) nonEmptyBlocks++;
  });
  return { wordCount, charCount: charCount + Math.max(0, nonEmptyBlocks - 1) };
}

/** Top-level blocks of HTML the editor writes (a single element per block), as `splitBlocks` sees them. */
const BLOCK_ELEMENT = /^<(p|h[1-6]|ul|ol|blockquote|hr|pre)[\s>/]/i;

/** Blocks [from, to) of the document are to become `nodes`. */
interface BlockChange {
  from: number;
  to: number;
  nodes: Fragment;
}

/**
 * The blocks of `doc` that differ from `html`, found by diffing the editor's cached block serialisations against the
 * blocks of `html`, so that only the differing blocks are parsed. Falls back to one change parsed from the whole text
 * when the HTML has top-level text or inline markup (the parser gathers those into paragraphs across blocks).
 */
function changedBlocks(doc: PMNode, html: string): BlockChange[] {
  const schema = doc.type.schema;
  const next = splitBlocks(html).filter((block) => block.trim() !== '');
  if (next.length === 0 || !next.every((block) => BLOCK_ELEMENT.test(block))) {
    return [{ from: 0, to: doc.childCount, nodes: createDocument(html, schema).content }];
  }
  const serializer = serializerFor(schema);
  const container = document.implementation.createHTMLDocument().createElement('div');
  const current: string[] = [];
  doc.forEach((block) => void current.push(blockHtml(block, serializer, container)));
  return diffStrings(current, next).map((hunk) => ({
    from: hunk.aStart,
    to: hunk.aEnd,
    nodes: hunk.bEnd > hunk.bStart ? createDocument(next.slice(hunk.bStart, hunk.bEnd).join(''), schema).content : Fragment.empty,
  }));
}

/**
 * Shows `html` (a change made elsewhere) in the editor by replacing only the top-level blocks that differ, in one
 * transaction kept out of the undo history: the writer's cursor, selection, scroll position and undo steps survive,
 * mapped through the change. Only the differing blocks are parsed, so a one-paragraph change to a novel costs about
 * as much as the paragraph. Returns false when nothing differed.
 */
export function replaceChangedBlocks(editor: Editor, html: string): boolean {
  const current = editor.state.doc;
  const starts = [0];
  current.forEach((block) => void starts.push(starts.at(-1)! + block.nodeSize));
  const tr = editor.state.tr;
  // Last change first, so that the positions of the earlier ones still hold.
  for (const change of changedBlocks(current, html).reverse()) {
    let { from, to } = change;
    let first = 0;
    let last = change.nodes.childCount;
    // Blocks whose markup differs but that parse to the same nodes are left alone (the cursor may be in them).
    while (from < to && first < last && current.child(from).eq(change.nodes.child(first))) {
      from++;
      first++;
    }
    while (to > from && last > first && current.child(to - 1).eq(change.nodes.child(last - 1))) {
      to--;
      last--;
    }
    if (from === to && first === last) continue;
    const blocks: PMNode[] = [];
    for (let i = first; i < last; i++) blocks.push(change.nodes.child(i));
    tr.replaceWith(starts[from]!, starts[to]!, blocks);
  }
  if (!tr.docChanged) return false;
  const restoreView = anchorView(editor.view);
  editor.view.dispatch(tr.setMeta('addToHistory', false).setMeta('preventUpdate', true));
  restoreView(tr.mapping);
  return true;
}
