// @vitest-environment happy-dom
import { Editor } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import { manuscriptExtensions } from '../editor/schema.ts';
import { bookOutline, currentEntry, filterOutline } from './outline.ts';

const BOOK =
  '<h1>Part One</h1><p>one two</p>' +
  '<h2>Chapter 1</h2><p>three four five</p>' +
  '<h2>Capítulo Dos</h2><p>six</p><ul><li><p>seven eight</p></li></ul>' +
  '<h1>Part Two</h1><p>nine</p>';

const docOf = (html: string) => new Editor({ extensions: manuscriptExtensions(), content: html }).state.doc;

describe('the outline of a book', () => {
  it('lists the headings with the words of each section, subsections included', () => {
    const outline = bookOutline(docOf(BOOK));
    expect(outline.map((e) => [e.level, e.text, e.words])).toEqual([
      [1, 'Part One', 2 + 2 + 2 + 3 + 2 + 1 + 2],
      [2, 'Chapter 1', 2 + 3],
      [2, 'Capítulo Dos', 2 + 1 + 2],
      [1, 'Part Two', 2 + 1],
    ]);
  });

  it('gives positions where the headings really are', () => {
    const doc = docOf(BOOK);
    for (const entry of bookOutline(doc)) {
      const node = doc.nodeAt(entry.pos);
      expect(node?.type.name).toBe('heading');
      expect(node?.textContent).toBe(entry.text);
      expect(doc.child(entry.index)).toBe(node);
    }
  });

  it('is empty for a book without headings', () => {
    expect(bookOutline(docOf('<p>Just prose.</p>'))).toEqual([]);
  });

  it('finds the section holding a position', () => {
    const doc = docOf(BOOK);
    const outline = bookOutline(doc);
    expect(currentEntry(outline, 0)).toBe(0);
    expect(currentEntry(outline, outline[2]!.pos - 1)).toBe(1);
    expect(currentEntry(outline, outline[2]!.pos + 3)).toBe(2);
    expect(currentEntry(outline, doc.content.size)).toBe(3);
    expect(currentEntry(bookOutline(docOf('<p>x</p><h1>Later</h1>')), 1)).toBe(-1);
  });

  it('filters chapters ignoring case and accents, every word must match', () => {
    const outline = bookOutline(docOf(BOOK));
    expect(filterOutline(outline, 'capitulo').map((e) => e.text)).toEqual(['Capítulo Dos']);
    expect(filterOutline(outline, 'PART two').map((e) => e.text)).toEqual(['Part Two']);
    expect(filterOutline(outline, '  ')).toHaveLength(4);
    expect(filterOutline(outline, 'nothing')).toEqual([]);
  });

  it('keeps section counts and titles right after an edit in a long book', () => {
    const chapter = (n: number) => `<h2>Chapter ${n}</h2>` + `<p>${'word '.repeat(100)}</p>`.repeat(50);
    const editor = new Editor({ extensions: manuscriptExtensions(), content: Array.from({ length: 30 }, (_, i) => chapter(i + 1)).join('') });
    const first = bookOutline(editor.state.doc);
    expect(first).toHaveLength(30);
    expect(first.reduce((sum, e) => sum + e.words, 0)).toBe(30 * (2 + 5000));
    editor.commands.insertContentAt(first[29]!.pos + 1, 'New ');
    const second = bookOutline(editor.state.doc);
    expect(second[29]!.words).toBe(first[29]!.words + 1);
    expect(second[29]!.text).toBe('New Chapter 30');
  });
});
