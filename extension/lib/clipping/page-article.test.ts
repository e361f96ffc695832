// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/limits.ts';
import { depthWithin, readPageArticle } from './page-article.ts';

const PROSE = 'The harbour records show the tide turning at dawn on most days of the year, as the almanac says. '.repeat(6);

function page(body: string): Document {
  const doc = document.implementation.createHTMLDocument('Tides');
  doc.body.innerHTML = body;
  return doc;
}

describe('reading a page as an article', () => {
  it('keeps the main text, tables, code and images as linked references with alt text and captions', () => {
    const doc = page(`<nav><a href="/">Home</a> <a href="/about">About</a></nav>
      <article><h1>Tides</h1><p>${PROSE}</p>
      <table><thead><tr><th>Port</th><th>High water</th></tr></thead><tbody><tr><td>Vigo</td><td>06:12</td></tr></tbody></table>
      <figure><img src="https://example.org/chart.png" alt="Tide chart"><figcaption>Figure 1. Spring tides.</figcaption></figure>
      <pre><code>tide = moon + sun</code></pre><p>${PROSE}</p></article>
      <footer>Copyright notice</footer>`);
    const article = readPageArticle(doc, 'Image');
    expect(article.ok).toBe(true);
    if (!article.ok) return;
    expect(article.html).toContain(
      '<table><tbody><tr><th><p>Port</p></th><th><p>High water</p></th></tr><tr><td><p>Vigo</p></td><td><p>06:12</p></td></tr></tbody></table>',
    );
    expect(article.html).toContain('<a href="https://example.org/chart.png">Image: Tide chart</a> — Figure 1. Spring tides.');
    expect(article.html).toContain('<pre><code>tide = moon + sun</code></pre>');
    expect(article.html).not.toMatch(/<img|Copyright notice/);
  });

  it('gives a data: image its label without a link', () => {
    const doc = page(`<article><p>${PROSE}</p><p><img src="data:image/png;base64,AAAA" alt="Logo"></p><p>${PROSE}</p></article>`);
    const article = readPageArticle(doc, 'Imagen');
    expect(article.ok && article.html).toContain('<p>Imagen: Logo</p>');
    expect(article.ok && article.html).not.toContain('data:');
  });

  it('refuses a page nested deeper than the limit without reading it', () => {
    const depth = LIMITS.articleDepthMax + 10;
    const doc = page(`${'<div>'.repeat(depth)}deep${'</div>'.repeat(depth)}`);
    expect(readPageArticle(doc)).toEqual({ ok: false, reason: 'too-large' });
  });

  it('measures depth without recursion and stops past the limit', () => {
    const doc = page('<div><p><b>x</b></p></div><div></div>');
    expect(depthWithin(doc.documentElement, 100)).toBe(4);
    expect(depthWithin(doc.documentElement, 2)).toBe(3);
  });
});
