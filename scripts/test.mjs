// `npm test`: installs what is missing, then runs every suite: typecheck, lint, unit, server (both stores), build, e2e.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureDebianPackages, ensureDependencies } from './setup.mjs';

ensureDependencies();
ensureDebianPackages([
  ['chromium', '/usr/bin/chromium'],
  ['firefox-esr', '/usr/bin/firefox-esr'],
  // The real validators of exported manuscripts (extension/lib/manuscripts/*.validate.test.ts).
  ['epubcheck', '/usr/bin/epubcheck'],
  ['pandoc', '/usr/bin/pandoc'],
  ['poppler-utils', '/usr/bin/pdftotext'],
  ['libreoffice-writer-nogui', '/usr/bin/soffice'],
]);

const reports = '.tmp/test-reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const vitest = (name, projects) => [
  'npx',
  ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), '--reporter=default', '--reporter=json', `--outputFile.json=${reports}/${name}.json`],
];

const steps = [
  ['typecheck', 'npx', ['tsc', '--noEmit']],
  ['lint', 'npx', ['eslint', '.']],
  ['unit + server', ...vitest('unit-server', ['unit', 'server'])],
  ['build extension', 'npm', ['run', 'build', '--silent']],
  ['e2e', ...vitest('e2e', ['e2e'])],
];

/** Totals over every vitest report written so far, for one closing line. */
function totals() {
  let passed = 0;
  let failed = 0;
  for (const name of ['unit-server', 'e2e']) {
    const file = `${reports}/${name}.json`;
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  }
  return { passed, failed };
}

const started = Date.now();
let failedStep = null;
for (const [name, cmd, args] of steps) {
  console.log(`\n[test] ── ${name} ──`);
  const t0 = Date.now();
  const { status } = spawnSync(cmd, args, { stdio: 'inherit' });
  console.log(`[test] ${name}: ${status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (status !== 0) {
    failedStep = name;
    break;
  }
}
const { passed, failed } = totals();
console.log(`\n[test] ${failedStep ? `stopped: ${failedStep} failed` : 'all suites passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
// A failed step with no failed test (typecheck, build, a suite that crashed) still counts as one failure.
console.log(`${passed} passed, ${failedStep && failed === 0 ? 1 : failed} failed`);
process.exit(failedStep ? 1 : 0);
