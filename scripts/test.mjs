// `npm test`: installs what is missing, then runs every suite: typecheck, unit, server (both stores), build, e2e.
import { spawnSync } from 'node:child_process';
import { ensureDebianPackages, ensureDependencies } from './setup.mjs';

ensureDependencies();
ensureDebianPackages([
  ['chromium', '/usr/bin/chromium'],
  ['firefox-esr', '/usr/bin/firefox-esr'],
]);

const steps = [
  ['typecheck', 'npx', ['tsc', '--noEmit']],
  ['unit + server', 'npx', ['vitest', 'run', '--project', 'unit', '--project', 'server']],
  ['build extension', 'npm', ['run', 'build', '--silent']],
  ['e2e', 'npx', ['vitest', 'run', '--project', 'e2e']],
];

const started = Date.now();
for (const [name, cmd, args] of steps) {
  console.log(`\n[test] ── ${name} ──`);
  const t0 = Date.now();
  const { status } = spawnSync(cmd, args, { stdio: 'inherit' });
  console.log(`[test] ${name}: ${status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (status !== 0) process.exit(status ?? 1);
}
console.log(`\n[test] all suites passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
