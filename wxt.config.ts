// WXT build configuration: one source tree (extension/) → Chrome MV3 (side panel) and Firefox MV2 (sidebar) builds.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'wxt';

/** The Firefox add-on id; e2e pins the moz-extension:// uuid of this id, so it must not change. */
export const GECKO_ID = 'anclora-press@anclora.example';

// Extension pages load only their own bundled scripts; nothing may be framed or embedded.
const EXTENSION_PAGES_CSP = "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/**
 * Firefox's install-time data consent (required by addons.mozilla.org for new add-ons; Firefox ≥ 140 shows it).
 * Nothing leaves the browser until the writer signs in to a sync server, but syncing is a core feature, so it is
 * declared: the email and password sent to sign in, and the books, which hold text and links clipped from web pages.
 * Required rather than optional: optional consent is asked with a permission prompt, and sign-in must not depend on
 * one. (Declared through a variable: WXT's manifest type does not list this key yet.)
 */
const GECKO_SETTINGS = {
  id: GECKO_ID,
  // The first releases that understand data_collection_permissions: Firefox 140, Firefox for Android 142.
  strict_min_version: '140.0',
  data_collection_permissions: { required: ['authenticationInfo', 'personallyIdentifyingInfo', 'websiteContent'] },
};

/**
 * The sources zip is for Firefox add-on review: only what rebuilds the extension (README says how). An allow-list,
 * so that local data (data/, .env, logs) can never slip in; WXT still drops tests and dotfiles. Patterns start
 * with "@(" because a leading "!" would mean "keep" to WXT.
 */
const SOURCES_TO_ZIP = ['package.json', 'package-lock.json', 'tsconfig.json', 'wxt.config.ts', 'README.md'];
const SOURCE_DIRS_TO_ZIP = ['extension', 'shared'];

/**
 * htmlparser2 as CommonJS everywhere: sanitize-html require()s that build, and the markup guard
 * (shared/markup-guard.ts) imports it, which would otherwise bundle its ES build beside it (55 kB more).
 */
const HTMLPARSER2_CJS = createRequire(import.meta.url).resolve('htmlparser2');

/**
 * jszip (inside mammoth, the DOCX importer) needs setImmediate, and the `setimmediate` polyfill it uses evaluates
 * strings with new Function. Its sources (not its prebuilt browser file, which embeds the polyfill) are bundled, and
 * the polyfill is replaced by a shim (see the file).
 */
const JSZIP_SOURCES = createRequire(import.meta.url).resolve('jszip/lib/index.js');
const SET_IMMEDIATE_SHIM = fileURLToPath(new URL('./extension/lib/manuscripts/set-immediate.ts', import.meta.url));

/**
 * Extension pages evaluate no string as code (CSP, store review), but two libraries of the import/export code carry
 * code that could: underscore's `_.template` (inside mammoth; never called) and its `Function('return this')` global
 * probe, and the `Function.prototype.bind` and `%eval%` fallbacks bundled inside @pdf-lib/fontkit (reached only on
 * engines without bind). Those lines are rewritten to throw or to use globalThis.
 */
const NO_STRING_EVAL: Array<{ module: RegExp; pattern: RegExp; replacement: string }> = [
  { module: /[\\/]node_modules[\\/]underscore[\\/]/, pattern: /Function\(\s*["']return this["']\s*\)\(\)/g, replacement: 'globalThis' },
  { module: /[\\/]node_modules[\\/]underscore[\\/]/, pattern: /new Function\(/g, replacement: '(() => { throw new Error("templates are disabled"); })(' },
  { module: /[\\/]node_modules[\\/]@pdf-lib[\\/]fontkit[\\/]/, pattern: /\bFunction\(\s*'binder',/g, replacement: '(() => { throw new Error("Function.prototype.bind is required"); })(' },
  { module: /[\\/]node_modules[\\/]@pdf-lib[\\/]fontkit[\\/]/, pattern: /'%eval%': eval,/g, replacement: "'%eval%': undefined," },
];
const noStringEval = {
  name: 'anclora-no-string-eval',
  transform(code: string, id: string) {
    const patches = NO_STRING_EVAL.filter((p) => p.module.test(id));
    if (patches.length === 0) return null;
    return { code: patches.reduce((text, p) => text.replace(p.pattern, p.replacement), code), map: null };
  },
};

/** The DOM build of this entity decoder (used by mdast-util-to-markdown) decodes through innerHTML: the plain one does not. */
const DECODE_ENTITIES_PLAIN = createRequire(import.meta.url).resolve('decode-named-character-reference');

export default defineConfig({
  srcDir: 'extension',
  vite: () => ({
    plugins: [noStringEval],
    // The export worker (extension/lib/manuscripts/export.worker.ts) is a module worker that loads each writer with
    // import(), which only the ES format can split; its bundle gets the same rewrites as the pages'.
    worker: { format: 'es' as const, plugins: () => [noStringEval] },
    resolve: {
      alias: [
        { find: /^htmlparser2$/, replacement: HTMLPARSER2_CJS },
        { find: /^jszip$/, replacement: JSZIP_SOURCES },
        { find: /^setimmediate$/, replacement: SET_IMMEDIATE_SHIM },
        { find: /^decode-named-character-reference$/, replacement: DECODE_ENTITIES_PLAIN },
      ],
    },
  }),
  // Icons and _locales live with the rest of the extension sources.
  publicDir: 'extension/public',
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  imports: false,
  zip: {
    excludeSources: [
      `@(!(${SOURCES_TO_ZIP.join('|')}))`,
      `@(!(${SOURCE_DIRS_TO_ZIP.join('|')}))/**`,
      // Test support (helpers only tests import), named so: testing.ts or *.testing.ts.
      '@(extension|shared)/**/testing.ts',
      '@(extension|shared)/**/*.testing.ts',
    ],
  },
  manifest: ({ browser }) => {
    const firefox = browser === 'firefox';
    return {
      name: '__MSG_extName__',
      description: '__MSG_extDescription__',
      default_locale: 'en',
      // No host permissions: clipping reads the page through activeTab, granted by the context-menu click.
      // WXT adds "sidePanel" itself for Chrome because of the sidepanel entrypoint.
      // storage: settings and the current book; alarms: periodic sync; contextMenus + activeTab + scripting: clipping.
      permissions: ['storage', 'alarms', 'contextMenus', 'activeTab', 'scripting'],
      action: { default_title: '__MSG_actionTitle__' },
      commands: {
        ...(firefox
          ? { _execute_sidebar_action: { suggested_key: { default: 'Alt+Shift+P' }, description: '__MSG_commandOpenPanel__' } }
          : { _execute_action: { suggested_key: { default: 'Alt+Shift+P' }, description: '__MSG_commandOpenPanel__' } }),
        // The selection, or else the page's article, to the picker (extension/lib/clipping/menu.ts CLIP_COMMAND).
        clip: { suggested_key: { default: 'Alt+Shift+C' }, description: '__MSG_commandClip__' },
      },
      content_security_policy: { extension_pages: EXTENSION_PAGES_CSP },
      ...(firefox
        ? { browser_specific_settings: { gecko: GECKO_SETTINGS, gecko_android: { strict_min_version: '142.0' } } }
        : {}),
    };
  },
});
