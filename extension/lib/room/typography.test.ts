// @vitest-environment happy-dom
import { Editor } from '@tiptap/core';
import { afterEach, describe, expect, it } from 'vitest';
import { manuscriptExtensions } from '../editor/schema.ts';
import { NBSP, ProseTypography, smartQuote, type QuoteLanguage } from './typography.ts';

/** Runs `typed` through smartQuote one straight quote at a time, as typing would. */
function typeQuotes(typed: string, language: QuoteLanguage): string {
  let out = '';
  for (const ch of typed) out += ch === '"' || ch === "'" ? smartQuote(out, ch, language) : ch;
  return out;
}

describe('smart quotes', () => {
  it.each([
    ['"Hello," she said.', '“Hello,” she said.'],
    ["It's 'fine' now", 'It’s ‘fine’ now'],
    ['"She said \'no\' twice"', '“She said ‘no’ twice”'],
    ["rock 'n' roll", 'rock ‘n’ roll'],
    ['("quoted")', '(“quoted”)'],
  ])('in English: %s → %s', (typed, expected) => {
    expect(typeQuotes(typed, 'en')).toBe(expected);
  });

  it.each([
    ['"Hola", dijo.', '«Hola», dijo.'],
    ['"Me dijo "no" ayer"', '«Me dijo “no” ayer»'],
    ['"Uno "dos "tres" dos" uno"', '«Uno “dos “tres” dos” uno»'],
    ["l'arbre", 'l’arbre'],
  ])('in Spanish: %s → %s', (typed, expected) => {
    expect(typeQuotes(typed, 'es')).toBe(expected);
  });
});

const editors: Editor[] = [];
afterEach(() => editors.splice(0).forEach((e) => e.destroy()));

function editorIn(language: QuoteLanguage | null): Editor {
  const editor = new Editor({
    extensions: [...manuscriptExtensions(), ProseTypography.configure({ quotes: () => language })],
    content: '<p></p>',
  });
  editors.push(editor);
  return editor;
}

/** Types like a keyboard: each character goes through the view's text input handlers (input rules among them). */
function type(editor: Editor, text: string): void {
  const { view } = editor;
  for (const ch of text) {
    const { from, to } = view.state.selection;
    const handled = view.someProp('handleTextInput', (f) => f(view, from, to, ch, () => view.state.tr.insertText(ch, from, to)));
    if (!handled) view.dispatch(view.state.tr.insertText(ch, from, to));
  }
}

describe('typography as the writer types', () => {
  it('turns -- into an em dash and ... into an ellipsis', () => {
    const editor = editorIn('en');
    type(editor, 'Wait--no... "Yes"');
    expect(editor.getText()).toBe('Wait—no… “Yes”');
  });

  it('nests Spanish quotes « “ ” »', () => {
    const editor = editorIn('es');
    type(editor, 'Dijo: "Es "raro" aquí".');
    expect(editor.getText()).toBe('Dijo: «Es “raro” aquí».');
  });

  it('leaves quotes straight when the writer turned them off, and never touches code', () => {
    const off = editorIn(null);
    type(off, '"as typed"');
    expect(off.getText()).toBe('"as typed"');
    const code = editorIn('en');
    code.commands.toggleCode();
    type(code, 'x = "y" -- z...');
    expect(code.getText()).toBe('x = "y" -- z...');
  });

  it('gives back what was typed when the writer presses Backspace right after a substitution', () => {
    const editor = editorIn('en');
    type(editor, 'a--');
    expect(editor.getText()).toBe('a—');
    editor.commands.undoInputRule();
    expect(editor.getText()).toBe('a--');
  });

  it('reads the quotation style at the moment of typing', () => {
    let language: QuoteLanguage = 'en';
    const editor = new Editor({
      extensions: [...manuscriptExtensions(), ProseTypography.configure({ quotes: () => language })],
      content: '<p></p>',
    });
    editors.push(editor);
    type(editor, '"a" ');
    language = 'es';
    type(editor, '"b"');
    expect(editor.getText()).toBe('“a” «b»');
  });
});

describe('no-break spaces', () => {
  const shown = (text: string) => text.replaceAll(NBSP, '·');

  it.each([
    ['es', 'Dijo: " Es "raro" aquí". Y « otra ». Al 10 %.', 'Dijo: «·Es “raro” aquí·». Y «·otra·». Al 10·%.'],
    ['es', '"Hola", dijo.', '«Hola», dijo.'],
    ['en', '« a » 10 %', '« a » 10 %'],
    [null, '« a » 10 %', '« a » 10 %'],
  ] as const)('with the %s style, typing %s gives %s', (language, typed, expected) => {
    const editor = editorIn(language);
    type(editor, typed);
    expect(shown(editor.getText())).toBe(expected);
  });

  it('never touches code', () => {
    const editor = editorIn('es');
    editor.commands.toggleCode();
    type(editor, '« a » 10 %');
    expect(editor.getText()).toBe('« a » 10 %');
  });

  it('gives the plain space back on Backspace right after', () => {
    const editor = editorIn('es');
    type(editor, '« ');
    expect(shown(editor.getText())).toBe('«·');
    editor.commands.undoInputRule();
    expect(editor.getText()).toBe('« ');
  });

  it('is saved as the manuscript HTML, so sync and export carry it', () => {
    const editor = editorIn('es');
    type(editor, '" texto"');
    expect(editor.getHTML()).toBe('<p>«&nbsp;texto&nbsp;»</p>');
  });
});
