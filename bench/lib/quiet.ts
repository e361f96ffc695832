// Waits until this process's child processes are idle (little CPU in /proc), so the backlog one scenario left behind
// (requests cut off by the load generator are still processed by the server) does not slow down the next.
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  pid: number;
  ppid: number;
  ticks: number;
  name: string;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces; fields after it are space-separated.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), name };
  } catch {
    return null;
  }
}

/** All descendants of this process (Linux /proc); empty elsewhere. */
function descendants(root = process.pid): ProcStat[] {
  let all: ProcStat[];
  try {
    all = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map((name) => readStat(Number(name)))
      .filter((s): s is ProcStat => s !== null);
  } catch {
    return [];
  }
  const found: ProcStat[] = [];
  const parents = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of all) {
      if (parents.has(s.ppid) && !parents.has(s.pid)) {
        parents.add(s.pid);
        found.push(s);
        grew = true;
      }
    }
  }
  return found;
}

function ticksByPid(): Map<number, ProcStat> {
  return new Map(descendants().map((s) => [s.pid, s]));
}

export interface QuietWait {
  waitedMs: number;
  /** The child that used the most CPU while we waited (pid and command), when it was not quiet at once. */
  busiest?: string;
}

/**
 * Resolves once the children used under 10% of one core for two 250 ms samples in a row, or after `timeoutMs`.
 */
export async function waitForQuietChildren(timeoutMs = 30_000): Promise<QuietWait> {
  const started = Date.now();
  const intervalMs = 250;
  const quietTicks = (intervalMs / 1000) * 100 * 0.1; // clock ticks are 1/100 s on Linux
  const first = ticksByPid();
  let previous = first;
  let quietSamples = 0;
  while (quietSamples < 2 && Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const now = ticksByPid();
    let used = 0;
    for (const [pid, s] of now) used += s.ticks - (previous.get(pid)?.ticks ?? s.ticks);
    quietSamples = used <= quietTicks ? quietSamples + 1 : 0;
    previous = now;
  }
  const waitedMs = Date.now() - started;
  let busiest: ProcStat | undefined;
  let most = 0;
  for (const [pid, s] of previous) {
    const used = s.ticks - (first.get(pid)?.ticks ?? s.ticks);
    if (used > most) [most, busiest] = [used, s];
  }
  return { waitedMs, ...(busiest ? { busiest: `${busiest.pid} ${busiest.name}` } : {}) };
}
