// `npm start`: installs dependencies if missing, builds the extension, then runs the server in the foreground.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureDependencies, ensureExtensionBuilt } from './setup.mjs';

ensureDependencies();
ensureExtensionBuilt({ force: true });

console.log(`
Anclora Press sync server: http://${process.env.HOST || '127.0.0.1'}:${process.env.PORT || 8787}

Load the extension:
  Chrome/Chromium: chrome://extensions → Developer mode → "Load unpacked" → ${resolve('.output/chrome-mv3')}
  Firefox:         about:debugging#/runtime/this-firefox → "Load Temporary Add-on…" → ${resolve('.output/firefox-mv2/manifest.json')}
`);

const server = spawn(resolve('node_modules/.bin/tsx'), ['server/main.ts'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
