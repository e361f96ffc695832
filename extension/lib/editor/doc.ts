// Fast HTML and counts of a large ProseMirror document: top-level blocks are immutable and shared between editor
// states, so each block is serialised and counted once and reused until that block changes.
import { createDocument, type Editor } from '@tiptap/react';
import { DOMSerializer, type Node as PMNode, type Schema } from '@tiptap/pm/model';
import type { BookCounts } from '../books/db.ts';
import { countText } from '../books/words.ts';

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

/**
 * Shows `html` (a change made elsewhere) in the editor by replacing only the top-level blocks that differ, in one
 * transaction kept out of the undo history: the writer's cursor, selection, scroll position and undo steps survive,
 * mapped through the change. Returns false when nothing differed.
 */
export function replaceChangedBlocks(editor: Editor, html: string): boolean {
  const current = editor.state.doc;
  const next = createDocument(html, editor.schema);
  let start = 0;
  while (start < current.childCount && start < next.childCount && current.child(start).eq(next.child(start))) start++;
  if (start === current.childCount && start === next.childCount) return false;
  let endCurrent = current.childCount;
  let endNext = next.childCount;
  while (endCurrent > start && endNext > start && current.child(endCurrent - 1).eq(next.child(endNext - 1))) {
    endCurrent--;
    endNext--;
  }
  const positionOf = (doc: PMNode, index: number) => {
    let pos = 0;
    for (let i = 0; i < index; i++) pos += doc.child(i).nodeSize;
    return pos;
  };
  const blocks: PMNode[] = [];
  for (let i = start; i < endNext; i++) blocks.push(next.child(i));
  const tr = editor.state.tr.replaceWith(positionOf(current, start), positionOf(current, endCurrent), blocks);
  editor.view.dispatch(tr.setMeta('addToHistory', false).setMeta('preventUpdate', true));
  return true;
}
