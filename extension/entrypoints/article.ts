// The script injected into a page for "Clip article": reads its main content (lib/clipping/page-article.ts) and
// returns it to the background's executeScript call.
import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { readPageArticle } from '../lib/clipping/page-article.ts';

export default defineUnlistedScript(() => readPageArticle(document, browser.i18n.getMessage('clipImage') || 'Image'));
