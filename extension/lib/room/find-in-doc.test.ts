// @vitest-environment happy-dom
import { Editor } from '@tiptap/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { manuscriptExtensions } from '../editor/schema.ts';
import { findInDoc, requestFind, takeFind } from './find-in-doc.ts';

describe('finding a search match in the open book', () => {
  it('gives the document range of the first match, accents and case ignored', () => {
    const editor = new Editor({ extensions: manuscriptExtensions(), content: '<h2>Uno</h2><p>Era <em>la</em> canción<br>de la Mañana.</p>' });
    const found = findInDoc(editor.state.doc, 'de la manana');
    expect(found).not.toBeNull();
    expect(editor.state.doc.textBetween(found!.from, found!.to)).toBe('de la Mañana');
    const inline = findInDoc(editor.state.doc, 'LA CANCION')!;
    expect(editor.state.doc.textBetween(inline.from, inline.to)).toBe('la canción');
    expect(findInDoc(editor.state.doc, 'absent')).toBeNull();
    editor.destroy();
  });
});

describe('a search result asking the editor to show its match', () => {
  beforeEach(() => sessionStorage.clear());

  it('is taken once, by the book it names', () => {
    requestFind(sessionStorage, 'book-1', 'ballena');
    expect(takeFind(sessionStorage, 'book-2')).toBeNull();
    expect(takeFind(sessionStorage, 'book-1')).toBe('ballena');
    expect(takeFind(sessionStorage, 'book-1')).toBeNull();
  });
});
