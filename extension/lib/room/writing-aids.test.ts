// @vitest-environment happy-dom
import { Editor } from '@tiptap/core';
import { afterEach, describe, expect, it } from 'vitest';
import { manuscriptExtensions } from '../editor/schema.ts';
import { WritingAids } from './writing-aids.ts';

const editors: Editor[] = [];
afterEach(() => editors.splice(0).forEach((e) => e.destroy()));

function editorWith(content: string, focusMode = false): Editor {
  const editor = new Editor({ extensions: [...manuscriptExtensions(), WritingAids.configure({ focusMode: () => focusMode })], content });
  editors.push(editor);
  return editor;
}

/** Whether the editor took the key (true) or left it to the browser (false: Tab moves the focus on). */
function press(editor: Editor, key: string, shiftKey = false): boolean {
  const { view } = editor;
  return !!view.someProp('handleKeyDown', (f) => f(view, new KeyboardEvent('keydown', { key, shiftKey })));
}

describe('Tab in the manuscript', () => {
  it('stays in the text of a paragraph, and leaves after Escape', () => {
    const editor = editorWith('<p>Prose.</p>');
    editor.commands.setTextSelection(3);
    expect(press(editor, 'Tab')).toBe(true);
    expect(press(editor, 'Tab', true)).toBe(true);
    expect(editor.getHTML()).toBe('<p>Prose.</p>');
    press(editor, 'Escape');
    expect(press(editor, 'Tab')).toBe(false);
  });

  it('indents a list item', () => {
    const editor = editorWith('<ul><li><p>one</p></li><li><p>two</p></li></ul>');
    editor.commands.setTextSelection(editor.state.doc.content.size - 3);
    expect(press(editor, 'Tab')).toBe(true);
    expect(editor.getHTML()).toMatch(/^<ul><li><p>one<\/p><ul><li><p>two<\/p><\/li><\/ul><\/li><\/ul>/);
  });
});

describe('focus mode', () => {
  it('marks only the block holding the caret', () => {
    const editor = editorWith('<p>one</p><p>two</p><p>three</p>', true);
    editor.commands.setTextSelection(7);
    const current = Array.from(editor.view.dom.querySelectorAll('.is-current')).map((el) => el.textContent);
    expect(current).toEqual(['two']);
  });

  it('marks nothing when off', () => {
    const editor = editorWith('<p>one</p><p>two</p>');
    editor.commands.setTextSelection(6);
    expect(editor.view.dom.querySelectorAll('.is-current')).toHaveLength(0);
  });
});
