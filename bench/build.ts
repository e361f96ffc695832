// Build time (`wxt build`, Chrome and Firefox) and the size of every built script, style and page, raw and gzip.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './lib/machine.ts';
import { median } from './lib/stats.ts';

const OUT_DIR = join(ROOT, '.tmp/bench-build');
const CONFIG = 'bench/wxt.bench.config.ts';
const TARGETS = [
  { browser: 'chrome', dir: 'chrome-mv3', args: [] as string[] },
  { browser: 'firefox', dir: 'firefox-mv2', args: ['-b', 'firefox'] },
];

export interface BuiltFile {
  file: string;
  /** The entrypoint a file belongs to: its name without the content hash (background, sidepanel, …). */
  entrypoint: string;
  bytes: number;
  gzipBytes: number;
}

export interface BuildFigures {
  browser: string;
  /** Wall time of `npx wxt build` (process start to exit), median of the runs. */
  wallSeconds: number;
  /** What WXT itself prints ("Built extension in X s"), median of the runs. */
  wxtSeconds: number;
  wallRuns: number[];
  files: BuiltFile[];
  totalBytes: number;
  totalGzipBytes: number;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function build(args: string[]): Promise<{ wallSeconds: number; wxtSeconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/wxt'), ['build', '-c', CONFIG, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallSeconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`wxt build ${args.join(' ')} failed (${code}):\n${output.slice(-3000)}`));
      const reported = /Built extension in ([\d.]+) (m?s)/.exec(output);
      const wxtSeconds = reported ? Number(reported[1]) / (reported[2] === 'ms' ? 1000 : 1) : Number.NaN;
      resolve({ wallSeconds, wxtSeconds });
    });
  });
}

/** Sizes of the scripts, styles, pages and manifest (icons and locale files count only in the totals). */
function sizes(dir: string): Pick<BuildFigures, 'files' | 'totalBytes' | 'totalGzipBytes'> {
  let totalBytes = 0;
  let totalGzipBytes = 0;
  const files: BuiltFile[] = [];
  for (const path of listFiles(dir).sort()) {
    const content = readFileSync(path);
    const gzipBytes = gzipSync(content).length;
    totalBytes += content.length;
    totalGzipBytes += gzipBytes;
    const file = relative(dir, path);
    if (!/\.(js|css|html)$/.test(file) && file !== 'manifest.json') continue;
    const base = file.split('/').pop()!;
    const entrypoint = base.replace(/(-[\w-]{8})?\.(js|css|html|json)$/, '');
    files.push({ file, entrypoint, bytes: content.length, gzipBytes });
  }
  return { files, totalBytes, totalGzipBytes };
}

/** The Chrome build the browser figures use: built here (untimed) unless the build figures just made it. */
export const CHROME_BENCH_DIR = join(OUT_DIR, 'chrome-mv3');
export async function buildChrome(): Promise<void> {
  await build([]);
}

export async function measureBuild(runs: number, log: (line: string) => void): Promise<BuildFigures[]> {
  const figures: BuildFigures[] = [];
  for (const target of TARGETS) {
    const times: Array<{ wallSeconds: number; wxtSeconds: number }> = [];
    for (let run = 0; run < runs; run++) {
      const time = await build(target.args);
      times.push(time);
      log(`build ${target.browser} ${run + 1}/${runs}: ${time.wallSeconds.toFixed(2)} s wall, WXT says ${time.wxtSeconds} s`);
    }
    figures.push({
      browser: target.browser,
      wallSeconds: median(times.map((t) => t.wallSeconds)),
      wxtSeconds: median(times.map((t) => t.wxtSeconds)),
      wallRuns: times.map((t) => t.wallSeconds),
      ...sizes(join(OUT_DIR, target.dir)),
    });
  }
  return figures;
}
