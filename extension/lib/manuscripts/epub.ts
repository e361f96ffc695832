// EPUB 3 export: one XHTML file per chapter, a navigation document, metadata; a zip that passes epubcheck.
import { strToU8, zipSync, type Zippable } from 'fflate';
import { chapters, type Manuscript } from './document.ts';
import { blocksMarkup, escapeXml } from './markup.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STYLE = `body { font-family: serif; line-height: 1.5; margin: 0 5%; }
h1, h2, h3, h4, h5, h6 { text-align: center; margin: 2em 0 1em; page-break-after: avoid; }
p { margin: 0; text-indent: 1.5em; hyphens: auto; }
h1 + p, h2 + p, h3 + p, h4 + p, h5 + p, h6 + p, hr + p, blockquote p { text-indent: 0; }
blockquote { margin: 1em 2em; font-style: italic; }
hr { border: 0; margin: 1.5em 0; text-align: center; }
p.reference { margin: 0 0 .5em; padding-left: 2em; text-indent: -2em; }
.title-page { text-align: center; margin-top: 30%; }
.title-page .book-title { font-size: 2em; font-weight: bold; text-indent: 0; }
.title-page .book-author { font-size: 1.2em; font-style: italic; text-indent: 0; margin-top: 1em; }
`;

export interface EpubOptions {
  /** The modification time written in the metadata (dcterms:modified). */
  modified: Date;
}

function page(m: Manuscript, title: string, body: string, extraNamespace = ''): string {
  const lang = escapeXml(m.language);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml"${extraNamespace} xml:lang="${lang}" lang="${lang}">
<head>
<meta charset="UTF-8"/>
<title>${escapeXml(title)}</title>
<link rel="stylesheet" type="text/css" href="style.css"/>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The book as an EPUB 3 file. */
export function manuscriptToEpub(m: Manuscript, options: EpubOptions): Uint8Array {
  const parts = chapters(m.blocks).map((c, i) => ({ ...c, file: `chapter-${String(i + 1).padStart(3, '0')}.xhtml` }));
  const identifier = UUID.test(m.id) ? `urn:uuid:${m.id}` : `urn:anclora-press:book:${m.id}`;
  const modified = options.modified.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const creator = m.author ? `\n    <dc:creator id="creator">${escapeXml(m.author)}</dc:creator>` : '';
  const opf = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="${escapeXml(m.language)}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">${escapeXml(identifier)}</dc:identifier>
    <dc:title>${escapeXml(m.title)}</dc:title>${creator}
    <dc:language>${escapeXml(m.language)}</dc:language>
    <meta property="dcterms:modified">${modified}</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="style" href="style.css" media-type="text/css"/>
    <item id="title-page" href="title.xhtml" media-type="application/xhtml+xml"/>
${parts.map((p, i) => `    <item id="chapter-${i + 1}" href="${p.file}" media-type="application/xhtml+xml"/>`).join('\n')}
  </manifest>
  <spine>
    <itemref idref="title-page"/>
${parts.map((_, i) => `    <itemref idref="chapter-${i + 1}"/>`).join('\n')}
  </spine>
</package>
`;
  // The title page is always listed, so the table of contents is never empty (a book with no headings).
  const entries = [`<li><a href="title.xhtml">${escapeXml(m.title)}</a></li>`].concat(
    parts.filter((p) => p.title).map((p) => `<li><a href="${p.file}">${escapeXml(p.title!)}</a></li>`),
  );
  const nav = page(
    m,
    m.title,
    `<nav epub:type="toc" id="toc">\n<h1>${escapeXml(m.title)}</h1>\n<ol>\n${entries.join('\n')}\n</ol>\n</nav>`,
    ' xmlns:epub="http://www.idpf.org/2007/ops"',
  );
  const author = m.author ? `\n<p class="book-author">${escapeXml(m.author)}</p>` : '';
  const files: Zippable = {
    // The mimetype entry comes first and is stored uncompressed (OCF).
    mimetype: [strToU8('application/epub+zip'), { level: 0 }],
    'META-INF/container.xml': strToU8(`<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
`),
    'OEBPS/content.opf': strToU8(opf),
    'OEBPS/nav.xhtml': strToU8(nav),
    'OEBPS/style.css': strToU8(STYLE),
    'OEBPS/title.xhtml': strToU8(page(m, m.title, `<section class="title-page">\n<p class="book-title">${escapeXml(m.title)}</p>${author}\n</section>`)),
  };
  for (const p of parts) files[`OEBPS/${p.file}`] = strToU8(page(m, p.title ?? m.title, blocksMarkup(p.blocks)));
  return zipSync(files, { level: 6 });
}
