import { describe, expect, it } from 'vitest';
import { reconcileExternal, type ExternalChange, type SessionState, type SessionText } from './reconcile.ts';

const known: SessionText = { title: 'Tide', author: 'Ana', content: '<p>One.</p>' };
const clean = { title: false, author: false, content: false };
const state = (over: Partial<SessionState> = {}): SessionState => ({ known, unsaved: clean, saving: false, deleting: false, ...over });
const latest = (over: Partial<SessionText>): SessionText => ({ ...known, ...over });

describe('reconcileExternal: what an open session does with a change made elsewhere', () => {
  it.each<[string, SessionState, SessionText | undefined, string, ExternalChange]>([
    ['the book disappeared', state(), undefined, known.content, { kind: 'missing' }],
    ['the book disappeared because the writer is deleting it', state({ deleting: true }), undefined, known.content, { kind: 'none' }],
    ['nothing the session shows changed', state(), latest({}), known.content, { kind: 'none' }],
    [
      'something changed while a save runs (maybe the save itself)',
      state({ saving: true }),
      latest({ content: '<p>One.</p><p>Two.</p>' }),
      known.content,
      { kind: 'recheck-after-save' },
    ],
    [
      'a clip was appended',
      state(),
      latest({ content: '<p>One.</p><blockquote><p>Clip</p></blockquote>' }),
      known.content,
      { kind: 'apply', content: { append: '<blockquote><p>Clip</p></blockquote>' }, overlaps: [], known: latest({ content: '<p>One.</p><blockquote><p>Clip</p></blockquote>' }) },
    ],
    [
      'a clip was appended while the writer typed: the clip is still shown',
      state({ unsaved: { ...clean, content: true } }),
      latest({ content: '<p>One.</p><p>Clip</p>' }),
      '<p>One more.</p>',
      { kind: 'apply', content: { append: '<p>Clip</p>' }, overlaps: [], known: latest({ content: '<p>One.</p><p>Clip</p>' }) },
    ],
    [
      'the text was rewritten elsewhere and the writer typed nothing',
      state(),
      latest({ content: '<p>Uno.</p>' }),
      known.content,
      { kind: 'apply', content: { replace: '<p>Uno.</p>' }, overlaps: [], known: latest({ content: '<p>Uno.</p>' }) },
    ],
    [
      'another paragraph was changed elsewhere while the writer typed: both edits are shown',
      state({ known: { ...known, content: '<p>One.</p><p>Two.</p>' }, unsaved: { ...clean, content: true } }),
      latest({ content: '<p>Uno.</p><p>Two.</p>' }),
      '<p>One.</p><p>Two, typed.</p>',
      { kind: 'apply', content: { replace: '<p>Uno.</p><p>Two, typed.</p>' }, overlaps: [], known: latest({ content: '<p>Uno.</p><p>Two.</p>' }) },
    ],
    [
      'another sentence of the paragraph being typed in was changed elsewhere: both edits are shown',
      state({ known: { ...known, content: '<p>One fish. Two fish.</p>' }, unsaved: { ...clean, content: true } }),
      latest({ content: '<p>One cat. Two fish.</p>' }),
      '<p>One fish. Two fish. Red</p>',
      { kind: 'apply', content: { replace: '<p>One cat. Two fish. Red</p>' }, overlaps: [], known: latest({ content: '<p>One cat. Two fish.</p>' }) },
    ],
    [
      'the same change was made elsewhere and typed here: shown once, nothing to apply',
      state({ unsaved: { ...clean, content: true } }),
      latest({ content: '<p>One more.</p>' }),
      '<p>One more.</p>',
      { kind: 'apply', content: null, overlaps: [], known: latest({ content: '<p>One more.</p>' }) },
    ],
    [
      'the words being typed over were changed elsewhere too: the typing stays and the other text is returned',
      state({ unsaved: { ...clean, content: true } }),
      latest({ content: '<p>Uno.</p>' }),
      '<p>Eins.</p>',
      {
        kind: 'apply',
        content: null,
        overlaps: [{ base: 'One.', kept: 'Eins.', lost: 'Uno.', keptSide: 'incoming', before: '<p>', after: '</p>' }],
        known: latest({ content: '<p>Uno.</p>' }),
      },
    ],
    [
      'the stored text already is what the editor shows',
      state(),
      latest({ content: '<p>Same.</p>' }),
      '<p>Same.</p>',
      { kind: 'apply', content: null, overlaps: [], known: latest({ content: '<p>Same.</p>' }) },
    ],
    [
      'title and author changed elsewhere',
      state(),
      latest({ title: 'High Tide', author: 'Ana M.' }),
      known.content,
      { kind: 'apply', content: null, title: 'High Tide', author: 'Ana M.', overlaps: [], known: latest({ title: 'High Tide', author: 'Ana M.' }) },
    ],
    [
      'the title changed elsewhere while the writer edits the title',
      state({ unsaved: { ...clean, title: true } }),
      latest({ title: 'High Tide', author: 'Ana M.' }),
      known.content,
      { kind: 'apply', content: null, author: 'Ana M.', overlaps: [], known: latest({ title: 'High Tide', author: 'Ana M.' }) },
    ],
  ])('%s', (_name, session, stored, editorHtml, expected) => {
    expect(reconcileExternal(session, stored, () => editorHtml)).toEqual(expected);
  });

  it('serialises the editor only when it has to compare a rewrite', () => {
    let asked = 0;
    const html = () => {
      asked++;
      return known.content;
    };
    reconcileExternal(state(), latest({ content: '<p>One.</p><p>Clip</p>' }), html);
    reconcileExternal(state(), latest({ title: 'New' }), html);
    expect(asked).toBe(0);
    reconcileExternal(state(), latest({ content: '<p>Uno.</p>' }), html);
    expect(asked).toBe(1);
  });
});
