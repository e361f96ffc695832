// Runs inside the clipped page (injected with scripting.executeScript after the context-menu click): reads the
// selection as HTML with page layout turned into paragraphs. It must stay self-contained (no imports, no outer
// variables) because the browser serialises the function. Safety is not its job: the background sanitises.
export interface PageSelection {
  html: string;
  text: string;
  title: string;
  url: string;
}

export function readPageSelection(): PageSelection {
  const selection = window.getSelection();
  const text = selection ? selection.toString() : '';
  // An inert document: nothing cloned into it loads, runs or renders.
  const inert = document.implementation.createHTMLDocument('');
  const root = inert.createElement('div');
  if (selection) {
    for (let i = 0; i < selection.rangeCount; i++) root.append(inert.importNode(selection.getRangeAt(i).cloneContents(), true));
  }
  // Resolve links while the page's base URL is known.
  for (const a of Array.from(root.querySelectorAll('a[href]'))) {
    try {
      a.setAttribute('href', new URL(a.getAttribute('href') ?? '', document.baseURI).href);
    } catch {
      a.removeAttribute('href');
    }
  }
  const containers = new Set(['DIV', 'SECTION', 'ARTICLE', 'HEADER', 'FOOTER', 'MAIN', 'ASIDE', 'NAV', 'FIGURE',
    'FIGCAPTION', 'ADDRESS', 'DD', 'DT', 'CAPTION', 'SUMMARY', 'DETAILS', 'CENTER']);
  // Tables stay tables (the manuscript policy keeps them); a container inside a cell is unwrapped like any other.
  const blocks = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'UL', 'OL', 'PRE', 'HR', 'TABLE',
    'THEAD', 'TBODY', 'TFOOT', 'TR', 'TD', 'TH']);
  const isBlock = (el: Element) => blocks.has(el.tagName) || containers.has(el.tagName);
  // Innermost first: a container holding blocks is unwrapped, one holding only inline content becomes a paragraph,
  // so "<div>one</div><div>two</div>" stays two paragraphs instead of "onetwo".
  const found = Array.from(root.querySelectorAll('*')).filter((el) => containers.has(el.tagName)).reverse();
  for (const el of found) {
    const holdsBlocks = Array.from(el.querySelectorAll('*')).some(isBlock);
    if (holdsBlocks) {
      el.replaceWith(...Array.from(el.childNodes));
    } else {
      const p = inert.createElement('p');
      p.append(...Array.from(el.childNodes));
      el.replaceWith(p);
    }
  }
  // Group inline runs between blocks into paragraphs.
  const out = inert.createElement('div');
  let paragraph: HTMLElement | null = null;
  for (const node of Array.from(root.childNodes)) {
    if (node.nodeType === 1 && isBlock(node as Element)) {
      paragraph = null;
      out.append(node);
    } else if (paragraph || (node.textContent ?? '').trim() || node.nodeName === 'BR') {
      if (!paragraph) out.append((paragraph = inert.createElement('p')));
      paragraph.append(node);
    }
  }
  return { html: out.innerHTML, text, title: document.title, url: location.href };
}
