// @vitest-environment happy-dom
import { Editor } from '@tiptap/react';
import { DOMParser as PMDOMParser, DOMSerializer } from '@tiptap/pm/model';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sanitizeManuscript } from '../../../server/html.ts';
import { ALLOWED_ATTRIBUTE_VALUES, ALLOWED_ATTRIBUTES, ALLOWED_TAGS, isAllowedHref } from '../../../shared/html-policy.ts';
import { docCounts, docToHtml, replaceChangedBlocks } from './doc.ts';
import { manuscriptExtensions } from './schema.ts';
import { countHtml } from '../books/words.ts';

const editors: Editor[] = [];
function editorWith(content: string): Editor {
  const editor = new Editor({ extensions: manuscriptExtensions(), content });
  editors.push(editor);
  return editor;
}
afterEach(() => {
  for (const e of editors.splice(0)) e.destroy();
});

const SAMPLE =
  '<h1>Part one</h1><p>It was a <strong>bright</strong> cold day in <em>April</em>, and the <s>clocks</s> ' +
  '<code>were</code> striking <a href="https://example.org">thirteen</a>.</p><blockquote><p>A quote</p></blockquote>' +
  '<ul><li><p>one</p></li><li><p>two</p></li></ul><ol start="3"><li><p>three</p></li></ol><hr><p>line<br>break</p><p></p>';

describe('serialising the manuscript', () => {
  it('produces exactly what TipTap getHTML produces', () => {
    const editor = editorWith(SAMPLE);
    expect(docToHtml(editor.state.doc)).toBe(editor.getHTML());
  });

  it('stays identical to getHTML after edits, reusing unchanged blocks', () => {
    const editor = editorWith(SAMPLE);
    docToHtml(editor.state.doc);
    editor.commands.insertContentAt(3, 'inserted ');
    editor.commands.insertContentAt(editor.state.doc.content.size, '<p>appended</p>');
    editor.chain().setTextSelection({ from: 20, to: 25 }).toggleBold().run();
    expect(docToHtml(editor.state.doc)).toBe(editor.getHTML());
  });

  it('counts the document exactly as countHtml counts its HTML', () => {
    const editor = editorWith(SAMPLE);
    expect(docCounts(editor.state.doc)).toEqual(countHtml(editor.getHTML()));
    editor.commands.insertContentAt(editor.state.doc.content.size, '<p>two more</p>');
    expect(docCounts(editor.state.doc)).toEqual(countHtml(editor.getHTML()));
  });

  it('serialises only the edited block of a 150,000-word book again after a one-character edit', () => {
    const paragraph = `<p>${'lorem ipsum dolor sit amet consectetur adipiscing elit sed do '.repeat(5).trim()}</p>`;
    const editor = editorWith(paragraph.repeat(3000));
    docToHtml(editor.state.doc);
    editor.commands.insertContentAt(5, 'x');
    const serialise = vi.spyOn(DOMSerializer.prototype, 'serializeNode');
    const html = docToHtml(editor.state.doc);
    expect(serialise).toHaveBeenCalledTimes(1);
    serialise.mockRestore();
    expect(html).toBe(editor.getHTML());
    expect(docCounts(editor.state.doc).wordCount).toBe(150_000);
  });
});

describe('the editor schema', () => {
  function assertWithinPolicy(html: string) {
    const template = document.createElement('template');
    template.innerHTML = html;
    for (const element of template.content.querySelectorAll('*')) {
      const tag = element.tagName.toLowerCase();
      expect(ALLOWED_TAGS as readonly string[], html).toContain(tag);
      for (const attribute of Array.from(element.attributes)) {
        expect(ALLOWED_ATTRIBUTES[tag] ?? [], `${tag}[${attribute.name}]`).toContain(attribute.name);
        if (attribute.name === 'href') expect(isAllowedHref(attribute.value)).toBe(true);
        const values = ALLOWED_ATTRIBUTE_VALUES[tag]?.[attribute.name];
        if (values) expect(values, `${tag}[${attribute.name}]`).toContain(attribute.value);
      }
    }
  }

  it('produces only tags, attributes and links that the server sanitiser keeps', () => {
    const editor = editorWith(SAMPLE);
    assertWithinPolicy(editor.getHTML());
  });

  it.each([
    ['a lettered list', '<ol type="a"><li><p>first</p></li></ol>', '<ol type="a">'],
    ['an upper roman list starting at 3', '<ol start="3" type="I"><li><p>third</p></li></ol>', '<ol start="3" type="I">'],
    // Google Docs and Word put the numbering style in CSS; TipTap turns it into `type`.
    ['a word-processor list styled in CSS', '<ol><li style="list-style-type: lower-roman"><p>i</p></li></ol>', '<ol type="i">'],
    ['a list numbering style the server would drop', '<ol type="disc"><li><p>x</p></li></ol>', '<ol>'],
  ])('keeps the numbering of %s exactly as the server keeps it', (_name, pasted, opening) => {
    const html = editorWith(pasted).getHTML();
    expect(html.startsWith(opening)).toBe(true);
    assertWithinPolicy(html);
    // What the editor writes is what the server stores: syncing never renumbers a list behind the writer's back.
    expect(sanitizeManuscript(html)).toBe(html);
  });

  it('writes links exactly as the server stores them', () => {
    const html = editorWith(
      '<p><a href="https://example.org/a?b=1&amp;c=2">typed</a> and <a href="mailto:a@b.test" title="Write">pasted</a></p>',
    ).getHTML();
    expect(html).toContain('<a target="_blank" rel="noopener noreferrer" href="https://example.org/a?b=1&amp;c=2">typed</a>');
    expect(sanitizeManuscript(html)).toBe(html);
  });

  it('writes tables and code blocks exactly as the server stores them', () => {
    const html = editorWith(
      '<table><colgroup><col style="width:9em"></colgroup><thead><tr><th colspan="1">Port</th><th>High water</th></tr></thead>' +
        '<tbody><tr><td colspan="2" data-colwidth="80" style="color:red">Vigo 06:12</td></tr></tbody></table>' +
        '<pre><code class="language-js">height = a &lt; b</code></pre>',
    ).getHTML();
    expect(html).toContain(
      '<table><tbody><tr><th><p>Port</p></th><th><p>High water</p></th></tr><tr><td colspan="2"><p>Vigo 06:12</p></td></tr></tbody></table>',
    );
    expect(html).toContain('<pre><code>height = a &lt; b</code></pre>');
    assertWithinPolicy(html);
    expect(sanitizeManuscript(html)).toBe(html);
  });

  it('drops what a hostile paste brings: scripts, handlers, styles, images, underline and unsafe links', () => {
    const editor = editorWith(
      '<p style="color:red" onclick="x()" class="c">a<script>x()</script><img src=x onerror="x()"><u>under</u>' +
        '<a href="javascript:alert(1)">js</a><a href="data:text/html,x">data</a><a href="ftp://x.test">ftp</a></p>' +
        '<pre><code class="language-js">code()</code></pre><table><tr><td>cell</td></tr></table>',
    );
    const html = editor.getHTML();
    assertWithinPolicy(html);
    expect(html).not.toMatch(/script|onclick|onerror|javascript:|<u>|style=/i);
    expect(html).toContain('under');
  });
});

describe('moving to the ends of the book', () => {
  const press = (editor: Editor, key: string, shiftKey = false) =>
    editor.view.dom.dispatchEvent(new KeyboardEvent('keydown', { key, ctrlKey: true, shiftKey, bubbles: true, cancelable: true }));

  it('Ctrl+End and Ctrl+Home put the caret at the very end and start of the book, Shift selects to there', () => {
    const editor = editorWith('<h2>One</h2><p>First paragraph.</p><p>Last paragraph.</p>');
    editor.commands.setTextSelection(8);
    press(editor, 'End');
    expect(editor.state.selection.empty).toBe(true);
    expect(editor.state.selection.from).toBe(editor.state.doc.content.size - 1);
    press(editor, 'Home');
    expect(editor.state.selection.from).toBe(1);
    editor.commands.setTextSelection(8);
    press(editor, 'End', true);
    expect(editor.state.doc.textBetween(editor.state.selection.from, editor.state.selection.to, '|')).toBe('rst paragraph.|Last paragraph.');
  });
});

describe('replaceChangedBlocks', () => {
  const chapters = '<h2>One</h2><p>First paragraph.</p><p>Second paragraph.</p><h2>Two</h2><p>Third paragraph.</p>';

  it('replaces only the blocks that differ, keeping the cursor and the undo history', () => {
    const editor = editorWith(chapters);
    // The writer types at the end of the first paragraph.
    const end = editor.state.doc.child(0).nodeSize + editor.state.doc.child(1).nodeSize - 1;
    editor.chain().setTextSelection(end).insertContent(' Typed.').run();
    const cursor = editor.state.selection.from;
    const untouched = editor.state.doc.child(1);
    const remote = editor.getHTML().replace('Third paragraph.', 'Third paragraph, edited elsewhere.');

    expect(replaceChangedBlocks(editor, remote)).toBe(true);
    expect(editor.getHTML()).toBe(remote);
    expect(editor.state.selection.from).toBe(cursor);
    // Unchanged blocks are the very same nodes (nothing re-rendered, cached serialisations kept).
    expect(editor.state.doc.child(1)).toBe(untouched);
    // Undo takes back the writer's typing, not the change made elsewhere.
    editor.commands.undo();
    expect(editor.getHTML()).toBe(chapters.replace('Third paragraph.', 'Third paragraph, edited elsewhere.'));
  });

  it('maps the cursor past blocks inserted before it', () => {
    const editor = editorWith(chapters);
    const inThird = editor.getHTML().indexOf('Third') > 0 ? editor.state.doc.content.size - 3 : 0;
    editor.commands.setTextSelection(inThird);
    const before = editor.state.doc.textBetween(inThird - 5, inThird);
    replaceChangedBlocks(editor, '<p>A new opening.</p>' + chapters);
    const at = editor.state.selection.from;
    expect(editor.state.doc.textBetween(at - 5, at)).toBe(before);
  });

  it('reports that nothing differed', () => {
    const editor = editorWith(chapters);
    expect(replaceChangedBlocks(editor, editor.getHTML())).toBe(false);
  });

  it('replaces changes before and after the cursor separately, leaving the block being typed in alone', () => {
    const editor = editorWith(chapters);
    // The writer types in "Second paragraph." (block 2); elsewhere the first and the last blocks were changed.
    const inSecond = editor.state.doc.child(0).nodeSize + editor.state.doc.child(1).nodeSize + 3;
    editor.chain().setTextSelection(inSecond).insertContent('typed ').run();
    const typing = editor.state.doc.child(2);
    const cursor = editor.state.selection.from;
    const remote = editor.getHTML().replace('<h2>One</h2>', '<h2>Chapter One</h2>').replace('Third paragraph.', 'Third, changed.');

    expect(replaceChangedBlocks(editor, remote)).toBe(true);
    expect(editor.getHTML()).toBe(remote);
    expect(editor.state.doc.child(2)).toBe(typing);
    // "Chapter " was added before the cursor: the cursor moved with its text.
    expect(editor.state.selection.from).toBe(cursor + 'Chapter '.length);
    editor.commands.undo();
    expect(editor.getHTML()).toBe(remote.replace('typed ', ''));
  });

  it('parses only the blocks that changed, however long the book', () => {
    const book = Array.from({ length: 2000 }, (_, i) => `<p>Paragraph ${i} of a long book.</p>`).join('');
    const editor = editorWith(book);
    const parse = vi.spyOn(PMDOMParser.prototype, 'parse');
    expect(replaceChangedBlocks(editor, book.replace('Paragraph 1000 ', 'Paragraph one thousand '))).toBe(true);
    expect(parse).toHaveBeenCalledTimes(1);
    expect((parse.mock.calls[0]![0] as HTMLElement).childNodes).toHaveLength(1);
    parse.mockRestore();
    expect(editor.getHTML()).toContain('<p>Paragraph one thousand of a long book.</p>');
  });

  it('leaves blocks alone whose markup differs but that hold the same content', () => {
    const editor = editorWith(chapters);
    expect(replaceChangedBlocks(editor, chapters.replace('<p>First paragraph.</p>', '<p >First paragraph.</p>\n'))).toBe(false);
  });

  it('takes in text outside any block as the editor would parse the whole of it', () => {
    const editor = editorWith(chapters);
    expect(replaceChangedBlocks(editor, 'Loose <em>text</em><p>Then a paragraph.</p>')).toBe(true);
    expect(editor.getHTML()).toBe('<p>Loose <em>text</em></p><p>Then a paragraph.</p>');
  });

  it('empties the book when the change elsewhere did', () => {
    const editor = editorWith(chapters);
    expect(replaceChangedBlocks(editor, '')).toBe(true);
    expect(editor.getHTML()).toBe('<p></p>');
  });
});
