// Tables in the manuscript editor, written exactly as shared/html-policy.ts keeps them: <table><tbody><tr> with th/td
// cells holding blocks, colspan/rowspan only when a cell spans. (TipTap's own table extension writes colgroups and
// inline widths the policy drops, so the server would change every table the editor saves.)
import { Node, mergeAttributes, type Attribute } from '@tiptap/react';

/** The span attribute of a cell: read from the page, written only when it spans more than one. */
function span(name: 'colspan' | 'rowspan'): Attribute {
  return {
    default: 1,
    parseHTML: (element) => {
      const value = Number.parseInt(element.getAttribute(name) ?? '', 10);
      return Number.isFinite(value) && value > 1 ? Math.min(value, 1000) : 1;
    },
    renderHTML: (attributes) => ((attributes[name] as number) > 1 ? { [name]: String(attributes[name]) } : {}),
  };
}

function cell(name: 'tableCell' | 'tableHeader', tag: 'td' | 'th') {
  return Node.create({
    name,
    content: 'block+',
    isolating: true,
    addAttributes: () => ({ colspan: span('colspan'), rowspan: span('rowspan') }),
    parseHTML: () => [{ tag }],
    renderHTML: ({ HTMLAttributes }) => [tag, mergeAttributes(HTMLAttributes), 0],
  });
}

export const TableCell = cell('tableCell', 'td');
export const TableHeader = cell('tableHeader', 'th');

export const TableRow = Node.create({
  name: 'tableRow',
  content: '(tableCell | tableHeader)+',
  parseHTML: () => [{ tag: 'tr' }],
  renderHTML: () => ['tr', 0],
});

export const Table = Node.create({
  name: 'table',
  group: 'block',
  content: 'tableRow+',
  isolating: true,
  // Rows from thead, tbody and tfoot alike become the table's rows.
  parseHTML: () => [{ tag: 'table' }],
  renderHTML: () => ['table', ['tbody', 0]],
});

export const tableExtensions = [Table, TableRow, TableHeader, TableCell];
