// Brings a fresh clone to a runnable state: npm dependencies, and (for tests) the browsers the e2e suites drive.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const run = (cmd) => execSync(cmd, { stdio: 'inherit' });

/** Installs npm dependencies when node_modules is missing or older than the lock file. */
export function ensureDependencies() {
  const marker = 'node_modules/.package-lock.json';
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync('package-lock.json').mtimeMs) return;
  console.log('[setup] installing npm dependencies (npm ci)…');
  run('npm ci --no-audit --no-fund');
}

/** Installs Debian packages when missing and we are root; otherwise explains what is needed. */
export function ensureDebianPackages(packages) {
  const missing = packages.filter(([, bin]) => !existsSync(bin));
  if (missing.length === 0) return;
  const names = missing.map(([name]) => name).join(' ');
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${missing.map(([, bin]) => bin).join(', ')}: install ${names} (e.g. sudo apt-get install -y ${names})`);
  }
  console.log(`[setup] installing ${names} from Debian…`);
  run('apt-get update -qq');
  run(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${names}`);
}

export function ensureExtensionBuilt({ force = false } = {}) {
  if (!force && existsSync('.output/chrome-mv3/manifest.json') && existsSync('.output/firefox-mv2/manifest.json')) return;
  console.log('[setup] building the extension…');
  run('npm run build --silent');
}
