// WXT build configuration: one source tree (extension/) → Chrome MV3 (side panel) and Firefox MV2 (sidebar) builds.
import { defineConfig } from 'wxt';

/** The Firefox add-on id; e2e pins the moz-extension:// uuid of this id, so it must not change. */
export const GECKO_ID = 'anclora-press@anclora.example';

// Extension pages load only their own bundled scripts; nothing may be framed or embedded.
const EXTENSION_PAGES_CSP = "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

export default defineConfig({
  srcDir: 'extension',
  // Icons and _locales live with the rest of the extension sources.
  publicDir: 'extension/public',
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  imports: false,
  // The sources zip is for Firefox add-on review: only what builds the extension.
  zip: { excludeSources: ['server/**', 'bench/**', 'e2e/**', 'docs/**', 'scripts/**', 'Dockerfile', 'compose.yaml', '.ci/**'] },
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
      commands: firefox
        ? { _execute_sidebar_action: { suggested_key: { default: 'Alt+Shift+P' }, description: '__MSG_commandOpenPanel__' } }
        : { _execute_action: { suggested_key: { default: 'Alt+Shift+P' }, description: '__MSG_commandOpenPanel__' } },
      content_security_policy: { extension_pages: EXTENSION_PAGES_CSP },
      ...(firefox ? { browser_specific_settings: { gecko: { id: GECKO_ID, strict_min_version: '115.0' } } } : {}),
    };
  },
});
