// What the figures were measured on: CPU, memory, load, Node, browser and package versions, commit and date.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

const PACKAGES = [
  'koa',
  'better-sqlite3',
  'mongodb',
  '@jongodb/memory-server-bin-linux-x64-gnu',
  'autocannon',
  'wxt',
  'react',
  '@tiptap/react',
  'dexie',
  'fake-indexeddb',
  'puppeteer',
  'tsx',
];

function quiet(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

export function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

export interface MachineInfo {
  date: string;
  commit: string | null;
  dirtyTree: boolean;
  cpus: { count: number; model: string };
  memoryGiB: number;
  loadAverageAtStart: number[];
  os: string;
  node: string;
  chromium: string | null;
  packages: Record<string, string | null>;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    commit: quiet('git', ['rev-parse', '--short', 'HEAD']),
    dirtyTree: (quiet('git', ['status', '--porcelain']) ?? '') !== '',
    cpus: { count: cpus.length, model: cpus[0]?.model.trim() ?? 'unknown' },
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: quiet('/usr/bin/chromium', ['--version']),
    packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])),
  };
}
