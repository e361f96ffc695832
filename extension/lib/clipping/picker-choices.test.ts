import { describe, expect, it } from 'vitest';
import { pickerChoices } from './picker-choices.ts';

const books = Array.from({ length: 50 }, (_, i) => ({ id: `b${i + 1}`, title: `Book ${i + 1}`, author: '' }));

describe('the clip picker’s choices', () => {
  it('lists every book and preselects the last destination when nothing is typed', () => {
    const { books: listed, selected } = pickerChoices(books, '', 'b17');
    expect(listed).toHaveLength(50);
    expect(listed[selected]!.id).toBe('b17');
  });

  it('preselects the first book when the last destination is gone', () => {
    expect(pickerChoices(books, '', 'gone').selected).toBe(0);
  });

  it('finds book 40 of 50 by typing', () => {
    const { books: listed, selected } = pickerChoices(books, '40', 'b1');
    expect(listed.map((b) => b.id)).toEqual(['b40']);
    expect(listed[selected]!.id).toBe('b40');
  });

  it('matches every word, in title or author, ignoring case and accents', () => {
    const shelf = [
      { id: 'a', title: 'Cuaderno de campo', author: 'Inés Muñoz' },
      { id: 'b', title: 'Campo abierto', author: 'Luis' },
    ];
    expect(pickerChoices(shelf, 'CAMPO ines', null).books.map((b) => b.id)).toEqual(['a']);
    expect(pickerChoices(shelf, 'munoz', null).books.map((b) => b.id)).toEqual(['a']);
  });

  it('selects a title that starts with what was typed over one that only contains it', () => {
    const shelf = [
      { id: 'a', title: 'Notes on tides', author: '' },
      { id: 'b', title: 'Tides', author: '' },
    ];
    const { books: listed, selected } = pickerChoices(shelf, 'tides', null);
    expect(listed[selected]!.id).toBe('b');
  });
});
