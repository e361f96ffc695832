// The PDF fonts the extension ships (DejaVu Serif, from npm), read from the extension's own files: nothing is fetched
// from the network.
import boldItalicUrl from 'dejavu-fonts-ttf/ttf/DejaVuSerif-BoldItalic.ttf?url';
import boldUrl from 'dejavu-fonts-ttf/ttf/DejaVuSerif-Bold.ttf?url';
import italicUrl from 'dejavu-fonts-ttf/ttf/DejaVuSerif-Italic.ttf?url';
import regularUrl from 'dejavu-fonts-ttf/ttf/DejaVuSerif.ttf?url';
import type { PdfFontFiles } from './pdf.ts';

async function read(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`font ${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function packagedPdfFonts(): Promise<PdfFontFiles> {
  const [regular, bold, italic, boldItalic] = await Promise.all([regularUrl, boldUrl, italicUrl, boldItalicUrl].map(read));
  return { regular: regular!, bold: bold!, italic: italic!, boldItalic: boldItalic! };
}
