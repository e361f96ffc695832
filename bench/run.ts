// `npm run bench`: runs each figure group in order, prints one table per group and writes bench/results.json.
// Options: --only throughput,build,sync,browser,healthz,merge,history,room,export,safety   --runs N (repeats per figure)   --duration S (autocannon seconds)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo } from './lib/machine.ts';
import { SEED } from './lib/seed.ts';
import { median, round, roundSignificant } from './lib/stats.ts';
import { table } from './lib/table.ts';
import { LONG_BOOK_WORDS, measureBrowser } from './browser.ts';
import { buildChrome, CHROME_BENCH_DIR, measureBuild } from './build.ts';
import { EXPORT_BOOK_WORDS, measureExport } from './export.ts';
import { measureExportInBrowser } from './export-browser.ts';
import { measureHealthzUnderWrite } from './healthz-under-write.ts';
import { FEED_BOOK_WORDS, measureFeedCycle } from './feed-cycle.ts';
import { HISTORY_BOOK_WORDS, measureHistory } from './history.ts';
import { MERGE_BOOK_WORDS, measureMerge } from './merge.ts';
import { measureRoom } from './room.ts';
import { measureSafetyNet, SAFETY_NET_BOOKS, SAFETY_NET_WORDS } from './safety-net.ts';
import { DELTA_BOOK_WORDS, measureDeltaCycles, measureSyncCycles } from './sync-cycle.ts';
import { measureThroughput } from './throughput.ts';

const GROUPS = ['throughput', 'build', 'sync', 'browser', 'healthz', 'merge', 'history', 'room', 'export', 'safety'] as const;
type Group = (typeof GROUPS)[number];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
  },
});
const runs = Math.max(1, Number(values.runs));
const only = new Set((values.only ?? GROUPS.join(',')).split(',').map((g) => g.trim()) as Group[]);
for (const group of only) if (!GROUPS.includes(group)) throw new Error(`unknown group "${group}" (known: ${GROUPS.join(', ')})`);

const startedAt = performance.now();
const resultsFile = join(import.meta.dirname, 'results.json');
const machine = machineInfo();
const results: Record<string, unknown> = { machine, seed: SEED, runsPerFigure: runs };
const tables: string[] = [];
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const save = () => writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');

/** Builds the Chrome extension into .tmp/bench-build for `group` (untimed), unless a group in `builtBy` does it. */
async function buildChromeFor(group: Group, builtBy: Group[], purpose = ''): Promise<void> {
  if (builtBy.some((other) => only.has(other))) return;
  log(`${group}: building the Chrome extension into .tmp/bench-build (untimed)${purpose}`);
  await buildChrome();
}

log(`${machine.cpus.count} × ${machine.cpus.model}, ${machine.memoryGiB} GiB, load ${machine.loadAverageAtStart.join(' ')}, node ${machine.node}`);

if (only.has('throughput')) {
  const durationSeconds = Number(values.duration);
  const connections = 50;
  log(`throughput: ${runs} runs × ${durationSeconds} s per scenario at ${connections} connections`);
  const measured = await measureThroughput({ runs, durationSeconds, connections }, log);
  const figures = measured.scenarios;
  results.throughput = { connections, durationSeconds, ...measured };
  save();
  const cost = measured.jongodbCost?.transactionMs;
  tables.push(
    table(
      `Server throughput — autocannon, ${connections} connections, ~${durationSeconds} s per run, median of ${runs} runs`,
      ['scenario', 'ok req/s', 'p50 ms', 'p99 ms', 'vs ceiling', 'vs write ceiling', 'requests', 'non-2xx'],
      figures.map((f) => [
        f.scenario,
        f.reqPerSec < 10 ? roundSignificant(f.reqPerSec) : round(f.reqPerSec),
        f.p50Ms,
        f.p99Ms,
        `${roundSignificant(f.ratioToCeiling * 100)}%`,
        f.ratioToWriteCeiling === undefined ? '' : `${roundSignificant(f.ratioToWriteCeiling * 100)}%`,
        f.total,
        f.non2xx,
      ]),
      [
        ...figures.filter((f) => f.dataSet).map((f) => `data set, ${f.scenario}: ${f.dataSet}`),
        'ok req/s = 2xx answers per second; p50/p99 of 2xx answers only; requests and non-2xx summed over all runs',
        'each run sends as many requests as the warm-up rate answers in the duration and waits for every answer (no cut-off backlog)',
        'each PUT is a real write (new text, newer updatedAt, fast-forward on the last revision); each sync pushes 10 books of ~3 kB and pulls them back, gzip accepted',
        'rate limits raised to 1,000,000/min so the limiter still counts every request but never refuses; server logs at warn',
        'vs write ceiling: against the row below it, Koa making one durable SQLite write (WAL, synchronous=FULL) of the same request bodies (issue 11 item 9: PUT ≥ 50 %, p99 ≤ 50 ms)',
        measured.mongodb === 'jongodb'
          ? 'mongodb = jongodb (in-memory MongoDB-compatible server, driver monitoring set to poll), not a real mongod: its figures say little about MongoDB'
          : 'mongodb = the server MONGODB_URI names, with the embedded data set',
        ...(cost
          ? [
              `jongodb copies the collections a transaction touches: updating one document in a transaction took ${cost.map((c) => `${round(c.ms, 1)} ms beside ${c.documents.toLocaleString('en-US')} documents of 3 kB`).join(', ')}; the test harness also runs book writes one at a time on jongodb (server/store/jongodb.testing.ts), so its rows use a smaller data set`,
            ]
          : []),
        'server and ceiling run as child processes; the load generator shares the same 2 CPUs',
      ],
    ),
  );
}

if (only.has('build')) {
  log(`build: ${runs} runs per browser (output in .tmp/bench-build, not .output)`);
  const figures = await measureBuild(runs, log);
  results.build = figures;
  save();
  tables.push(
    table(
      `Build time — \`wxt build\`, median of ${runs} runs (seed: ${SEED.buildSeconds} s)`,
      ['browser', 'wall s', 'WXT-reported s', 'seed s'],
      figures.map((f) => [f.browser, round(f.wallSeconds, 2), round(f.wxtSeconds, 2), SEED.buildSeconds]),
      ['wall = process start to exit of `wxt build` (includes Node start-up and config loading); WXT-reported = its "Built extension in"'],
    ),
    table(
      `Built files (seed bundle: ${SEED.bundleKb[0]}–${SEED.bundleKb[1]} kB)`,
      ['browser / file', 'entrypoint', 'kB', 'gzip kB'],
      figures.flatMap((f) => [
        ...f.files.map((file) => [`${f.browser} ${file.file}`, file.entrypoint, round(file.bytes / 1024, 1), round(file.gzipBytes / 1024, 1)]),
        [`${f.browser} total (all files)`, '', round(f.totalBytes / 1024, 1), round(f.totalGzipBytes / 1024, 1)],
      ]),
      ['kB = 1,024 bytes; gzip = Node zlib default level, per file'],
    ),
  );
}

if (only.has('sync')) {
  log(`sync cycle: ${runs} runs per book count, the real engine (fake-indexeddb) against the real server (embedded store)`);
  const figures = await measureSyncCycles(runs, log);
  results.syncCycle = figures;
  save();
  const seedMs = `${SEED.perBookSyncMs[0]}–${SEED.perBookSyncMs[1]}`;
  const seedKb = (n: number) => `${round((SEED.perBookBytes[0] * n) / 1024)}–${round((SEED.perBookBytes[1] * n) / 1024)}`;
  tables.push(
    table(
      `One sync cycle, N dirty books of ~3 kB — median of ${runs} runs (seed: one request per book, ${seedMs} ms and 1–5 KB each)`,
      ['dirty books', 'requests', 'seed req', 'kB sent', 'kB recv', 'seed kB', 'wall ms', 'in fetch ms', 'seed ms', 'ms/book', 'B/book'],
      figures.map((f) => [
        f.books,
        f.requests,
        f.books,
        round(f.bytesSent / 1024, 1),
        round(f.bytesReceived / 1024, 1),
        seedKb(f.books),
        round(f.wallMs),
        round(f.networkMs),
        `${round((SEED.perBookSyncMs[0] * f.books) / 1000, 1)}–${round((SEED.perBookSyncMs[1] * f.books) / 1000, 1)} s`,
        round(f.perBookMs, 1),
        round(f.perBookBytes),
      ]),
      [
        'real engine: extension/lib/sync (createDevice from its test support) with fake-indexeddb standing in for IndexedDB; its cost is in wall − in-fetch',
        'bytes counted on the wire by a TCP pass-through (headers included); request bodies over 256 kB are gzip-compressed by the transport, answers over 1 kB by the server',
        'a cycle pushes the dirty books in batches (≤100 books, ≤1 MB) and pulls the changes since its cursor (its own books come back: they are the account\'s newest changes)',
        'seed ms assumes its requests run one after another (one request per book); B/book includes HTTP headers and the copy pulled back',
      ],
    ),
  );

  log(`sync delta: ${runs} runs of two devices sharing a ${DELTA_BOOK_WORDS.toLocaleString('en-US')}-word book`);
  const delta = await measureDeltaCycles(runs, log);
  results.syncDelta = delta;
  save();
  const kB = (bytes: number) => round(bytes / 1024, 1);
  tables.push(
    table(
      `Sync v2 on the wire — one edit of a ${DELTA_BOOK_WORDS.toLocaleString('en-US')}-word book (${round(delta.manuscriptBytes / 1024)} kB of HTML), median of ${runs} runs (goal for 50 words: ≤ 2 kB each way)`,
      ['edit', 'writer req', 'writer kB up', 'writer kB down', 'other device kB up', 'other device kB down'],
      delta.edits.map((e) => [e.edit, e.writer.requests, kB(e.writer.bytesSent), kB(e.writer.bytesReceived), kB(e.reader.bytesSent), kB(e.reader.bytesReceived)]),
      [
        'the writing device runs one cycle after the edit (what its 30-s alarm does), then the other device runs one; bytes on the wire (headers included)',
        'the device sends a patch from its base; a server that cannot apply it answers resend and the same cycle sends the whole book (gzip above 256 kB)',
      ],
    ),
  );
}

if (only.has('room')) {
  await buildChromeFor('room', ['build', 'browser']);
  log(`room: search over 50 novels in Node, then ${runs} runs in Chromium with focus mode and typewriter scrolling`);
  const f = await measureRoom(runs, CHROME_BENCH_DIR, log);
  results.room = f;
  save();
  tables.push(
    table(
      `Writing room — ${LONG_BOOK_WORDS.toLocaleString('en-US')}-word books, ${runs} runs`,
      ['figure', 'p50 / median', 'p95', 'target'],
      [
        [`search over ${f.search.novels} novels (${round(f.search.megabytes)} MB of HTML): indexing them all (the list does it a book at a time in idle moments), ms`, round(f.search.firstSearchMs), '', ''],
        ...f.search.warm.map((w) => [`  then search "${w.query}" (${w.matches} books match), ms`, round(w.p50, 1), round(w.p95, 1), '≤ 100']),
        ['open the book (navigation → whole book shown), ms', round(f.open.median), '', ''],
        [`  then the outline of every chapter shown, ms`, round(f.open.outlineMedian), '', ''],
        [`keystroke → next frame with focus mode and typewriter scrolling, ms (${f.keystroke.samples} keystrokes)`, round(f.keystroke.p50, 1), round(f.keystroke.p95, 1), ''],
        [`  the same typing with both off (same runs), ms (${f.keystrokePlain.samples} keystrokes)`, round(f.keystrokePlain.p50, 1), round(f.keystrokePlain.p95, 1), ''],
      ],
      [
        'search: extension/lib/books/search.ts in Node (the same V8 as Chromium) over books built by bench/lib/manuscript.ts; later searches reuse the index and re-read only changed books; each book\'s word index (word-index.ts) rules it out before its text is scanned unless it has the query\'s words in the query\'s order',
        'keystroke → next frame: as in the browser group (keydown → message posted from the next requestAnimationFrame)',
      ],
    ),
  );
}

if (only.has('browser')) {
  await buildChromeFor('browser', ['build']);
  log(`browser: ${runs} runs in Chromium (headless) with the built extension`);
  const f = await measureBrowser(runs, CHROME_BENCH_DIR, log);
  results.browser = f;
  save();
  tables.push(
    table(
      `In Chromium — ${LONG_BOOK_WORDS.toLocaleString('en-US')}-word manuscript (${round(f.manuscriptBytes / 1024)} kB of HTML), ${runs} runs`,
      ['figure', 'p50 / median', 'p95', 'seed'],
      [
        ['open the book in a 400 px side panel (navigation → whole book shown), ms', round(f.openMs.median), '', ''],
        [`keystroke → next frame at the end of the book, ms (${f.keystrokeToPaintMs.samples} keystrokes; goal p95 ≤ 16)`, round(f.keystrokeToPaintMs.p50, 1), round(f.keystrokeToPaintMs.p95, 1), ''],
        ['  long tasks (>50 ms) while typing 60 keystrokes, autosaves included: count / longest ms', `${f.typing.longTasks} / ${round(f.typing.longestTaskMs)}`, '', ''],
        ['  main-thread task time per keystroke, ms', round(f.typing.taskMsPerKey, 2), '', ''],
        ['one autosave: last keystroke → "saved" shown, ms (400 ms debounce included)', round(f.autosave.lastKeyToSavedMs), '', '5,000 (autosave delay)'],
        ['  of which after the 400 ms debounce (serialise, write, render), ms', round(f.autosave.lastKeyToSavedMs - 400), '', ''],
        ['  main-thread task time in that time (the save\'s cost), ms', round(f.autosave.taskMs, 1), '', ''],
        ['  long tasks (>50 ms) on the main thread in that time: count', f.autosave.longTasks, '', ''],
        ['  their total / longest, ms', `${round(f.autosave.longTaskMs)} / ${round(f.autosave.longestTaskMs)}`, '', ''],
        ['  total blocking time (sum of each task − 50 ms), ms', round(f.autosave.blockingMs), '', ''],
        ...f.editToServer.map((d) => [
          `edit → server has it, ${d.book}, ms`,
          round(d.p50),
          round(d.p95),
          `${SEED.editToServerWorstMs.toLocaleString('en-US')} worst case`,
        ]),
      ],
      [
        'keystroke → next frame: keydown timestamp → a message posted from the next requestAnimationFrame; a 60 Hz display puts its floor near 8–17 ms',
        'the panel page runs in a normal tab with a 400 × 900 px viewport (headless Chromium cannot open the real side panel); timings from the page\'s own clock',
        'main-thread task time: Chromium\'s cumulative TaskDuration (Performance.getMetrics) of the panel page, its difference over the window',
        'edit → server: keydown timestamp of the last keystroke → first poll (every 20 ms) of the server\'s change feed that holds the text; includes the 400 ms save debounce and the sync engine\'s 1.5 s edit debounce',
        `p95 over ${runs} edits per book is close to the maximum; more runs (--runs) give a steadier tail`,
      ],
    ),
  );
}

if (only.has('healthz')) {
  log(`healthz: ${runs} worst-case valid writes, /healthz probed throughout`);
  const f = await measureHealthzUnderWrite(runs, log);
  results.healthz = f;
  save();
  const latency = (s: typeof f.idle) => [s.p50Ms, s.p99Ms, s.maxMs, s.samples];
  tables.push(
    table(
      `Event-loop delay — /healthz latency while the server processes a worst-case valid write, ${runs} writes`,
      ['figure', 'p50 ms', 'p99 ms', 'max ms', 'probes'],
      [
        ['event-loop delay (p99) of /healthz while a worst-case valid write is processed', ...latency(f.duringWrite)],
        ['the same server idle', ...latency(f.idle)],
      ],
      [
        `worst-case valid write: PUT of ${round(f.contentBytes / 1048576, 2)} MiB of manuscript at the markup limits (nested as deep and holding as many elements as allowed), embedded store; it took ${f.writes.map((w) => w.ms).join(', ')} ms`,
        `/healthz probed every ${f.probeIntervalMs} ms whatever the answers do (open loop): a stall delays every probe it overlaps, each timed from when it was due`,
        'the server runs as a child process (tsx server/main.ts); the probes share the same CPUs',
      ],
    ),
  );
}

if (only.has('merge')) {
  log(`merge: ${runs} runs of a three-way merge, patch sizes (shared/manuscript)`);
  const f = await measureMerge(runs, log);
  results.merge = f;
  save();
  tables.push(
    table(
      `Sync v2 core — ${MERGE_BOOK_WORDS.toLocaleString('en-US')}-word manuscript (${round(f.manuscriptBytes / 1024)} kB of HTML)`,
      ['figure', 'value', 'today (whole book, gzip)'],
      [
        ...f.patches.map((p) => [`patch for ${p.edit}: bytes / gzip`, `${p.bytes.toLocaleString('en-US')} / ${p.gzipBytes.toLocaleString('en-US')}`, p.wholeGzipBytes.toLocaleString('en-US')]),
        [
          `three-way merge, two devices × ${f.merge.edits.toLocaleString('en-US')} offline edits, median ms (overlaps: ${f.merge.overlaps})`,
          round(f.merge.medianMs, 1),
          "the losing device's whole text becomes a conflict copy",
        ],
        [
          `server sanitising of a 50-word edit, median ms: only the changed blocks (${f.sanitise.changedBytes.toLocaleString('en-US')} bytes; splitting and matching the book's blocks included)`,
          round(f.sanitise.changedBlocksMs, 2),
          `${round(f.sanitise.wholeMs, 1)} (the whole book)`,
        ],
        [
          `version diff shown to the writer (merge review, conflict, history): ${f.diff.edits.toLocaleString('en-US')} scattered edits, median ms (${f.diff.shownBlocks.toLocaleString('en-US')} blocks shown)`,
          round(f.diff.medianMs, 1),
          'no diff was shown (the banner swapped the text)',
        ],
      ],
      [
        'patch = JSON of shared/manuscript/patch.ts makePatch (changed blocks, in-block spans, two SHA-256 hashes), as POST /api/sync carries it (issue 11)',
        'the merge runs in this process on the deterministic bench manuscript; edits are single words inserted into scattered paragraphs',
      ],
    ),
  );
}

if (only.has('merge')) {
  log('merge: one feed cycle of a 50-word edit between two devices through the real server');
  const f = await measureFeedCycle(log);
  results.feedCycle = f;
  save();
  const bytes = (t: { bytes: number; gzipBytes: number }) => `${t.bytes.toLocaleString('en-US')} / ${t.gzipBytes.toLocaleString('en-US')}`;
  tables.push(
    table(
      `Sync v2 on the wire — 50 words typed into a ${FEED_BOOK_WORDS.toLocaleString('en-US')}-word book (${round(f.manuscriptBytes / 1024)} kB of HTML), one cycle per device`,
      ['figure', 'patches (Sync v2): bytes / gzip', 'whole book (no `patches`): bytes / gzip', 'goal'],
      [
        ['up: the writing device\'s POST /api/sync body', bytes(f.patched.up), bytes(f.whole.up), '≤ 2 KB'],
        ['down: the other device\'s POST /api/sync answer (the change feed)', bytes(f.patched.down), bytes(f.whole.down), '≤ 2 KB'],
      ],
      [
        'real server (child process, embedded store); bodies as JSON, gzip = Node zlib default level of the same bytes (what a compressed request or answer carries)',
        'down: the change feed sends the book as a patch from the revision current when the device\'s cursor was issued (server/sync/patch-answers.ts)',
      ],
    ),
  );
}

if (only.has('history')) {
  const f = await measureHistory(runs, log);
  results.history = f;
  save();
  const mb = (bytes: number) => `${round(bytes / 1024 / 1024, 2)} MB`;
  tables.push(
    table(
      `History — a ${HISTORY_BOOK_WORDS.toLocaleString('en-US')}-word book (${round(f.manuscriptBytes / 1024)} kB of HTML), embedded store`,
      ['figure', 'value', 'today (20 whole copies)'],
      [
        [`simulated year (${f.year.days} days × ${round(f.year.saves / f.year.days)} saves): bytes of kept texts`, mb(f.year.textBytes), mb(f.year.wholeCopiesBytes)],
        ['  the database file (current book + history, after VACUUM)', mb(f.year.fileBytes), ''],
        [`  versions kept (${f.year.wholeCopies} of them whole copies), the oldest ${f.year.oldestAgeDays} days old`, f.year.versionsKept, '20 (under a minute of saves)'],
        ['  read the oldest kept version (patches applied, hash checked), median ms', round(median(f.year.oldestReadMs), 1), ''],
        ['  one write with its history step (diff, thinning, re-linking), median ms', round(f.year.writeMedianMs, 1), ''],
        [`open history: list ${f.listing.versions} versions (no text), median ms`, round(f.listing.medianMs, 1), ''],
      ],
      [
        'each save types 25 words into one paragraph and cuts up to 25 from another; sessions of saves 6 minutes apart, one a day',
        'tiers: every version for 48 h, the newest of each hour for 30 days, of each day for a year, of each 30 days after; the newest 20 whatever their age',
        'store on /dev/shm when present (fsync costs nothing there), so write times are of the history step, not the disk',
      ],
    ),
  );
}

if (only.has('safety')) {
  log('safety: a month of changes from other devices landing in 50 novels, through the real sync store');
  const f = await measureSafetyNet(log);
  results.safetyNet = f;
  save();
  const mib = (bytes: number) => round(bytes / 2 ** 20, 1);
  tables.push(
    table(
      `Local safety net — ${SAFETY_NET_BOOKS} novels of ${SAFETY_NET_WORDS.toLocaleString('en-US')} words on one device, ${f.pulls.toLocaleString('en-US')} changes from other devices over 30 days`,
      ['figure', 'value', 'budget'],
      [
        [`snapshots kept (after thinning by age and budget)`, f.snapshotsKept, ''],
        ['snapshot text in IndexedDB, MiB', mib(f.snapshotBytes), `≤ ${mib(f.budgetBytes)} (SNAPSHOT_BUDGET_BYTES)`],
        ['all text in IndexedDB (books, bases, snapshots), MiB', mib(f.totalBytes), `books alone: ${mib(f.booksBytes)}`],
        ['a pulled change landing (snapshot and thinning included), ms median / p95', `${round(f.pullMs.median, 1)} / ${round(f.pullMs.p95, 1)}`, ''],
      ],
      [
        'extension/lib/sync/dexie-store.ts transact (what applies every pull) on fake-indexeddb in this Node process, with the real snapshot rule (extension/lib/books/snapshots.ts)',
        'bytes as browsers keep strings: one per character of Latin-1 text, two otherwise (snapshotBytes); IndexedDB adds its own record overhead',
        'each day: 2 changes per book (a sentence added to one paragraph); one day, 12 more to 5 books in an afternoon',
      ],
    ),
  );
}

if (only.has('export')) {
  await buildChromeFor('export', ['build', 'browser'], ', for the side panel bundle figures');
  log(`export: ${runs} runs per format, ${EXPORT_BOOK_WORDS.toLocaleString('en-US')}-word book`);
  const f = await measureExport(runs, CHROME_BENCH_DIR, log);
  results.export = f;
  save();
  log(`export in Chromium: ${runs} runs per format through the book list's export form and a real download`);
  const inBrowser = await measureExportInBrowser(runs, CHROME_BENCH_DIR, log);
  results.exportInBrowser = inBrowser;
  save();
  const kB = (bytes: number) => round(bytes / 1024, 1);
  tables.push(
    table(
      `Manuscripts in and out — ${EXPORT_BOOK_WORDS.toLocaleString('en-US')}-word book (${round(f.manuscriptBytes / 1024)} kB of HTML), median of ${runs} runs`,
      ['figure', 'median ms', 'kB'],
      [
        ...f.exports.map((e) => [`export to ${e.format}`, round(e.medianMs), kB(e.bytes)]),
        ...f.imports.map((i) => [`import from ${i.format.startsWith('docx made') ? i.format : `${i.format} (our own export of the same book)`}`, round(i.medianMs), kB(i.bytes)]),
      ],
      [
        'the export and import modules (extension/lib/manuscripts) run in this Node process (the extension runs the exports in its export worker, imports in the page); the PDF embeds subsets of DejaVu Serif (4 faces)',
        'target: a 150,000-word DOCX imports in ≤ 3 s',
      ],
    ),
  );
  tables.push(
    table(
      `Manuscripts out in Chromium — the same book exported from the book list, median of ${runs} runs`,
      ['format', 'click → file on disk, median ms', 'kB', 'main-thread long tasks (all runs)', 'longest, ms'],
      inBrowser.map((e) => [e.format, round(e.medianMs), kB(e.bytes), e.longTasks, round(e.longestTaskMs)]),
      [
        'the built extension in headless Chromium (400 × 900 px panel page); the file is made in the export worker (extension/lib/manuscripts/export.worker.ts), so the page\'s long tasks are what the writer would feel',
        'click → file on disk includes reading the book from IndexedDB, posting it to the worker, and the browser writing the download',
      ],
    ),
  );
  if (f.bundle) {
    const startup = f.bundle.startup.reduce((n, s) => n + s.bytes, 0);
    const onDemand = f.bundle.onDemand.reduce((n, s) => n + s.bytes, 0);
    tables.push(
      table(
        'Side panel scripts — loaded at start-up vs on demand (Chrome build)',
        ['file', 'when', 'kB'],
        [
          ...f.bundle.startup.map((s) => [s.file, 'start-up', kB(s.bytes)]),
          ['start-up total', '', kB(startup)],
          ...f.bundle.onDemand.map((s) => [s.file, 'on demand', kB(s.bytes)]),
          ['on-demand total', '', kB(onDemand)],
        ],
        [
          `export/import libraries found in start-up scripts: ${f.bundle.librariesAtStartup.length ? f.bundle.librariesAtStartup.join(', ') : 'none'}`,
          'start-up = the scripts sidepanel.html loads and their static imports; on demand = chunks only a dynamic import() reaches, and the export worker with the writers it loads (assets/)',
        ],
      ),
    );
  }
}

results.finishedAt = new Date().toISOString();
results.elapsedSeconds = Math.round((performance.now() - startedAt) / 1000);
save();
process.stdout.write(
  [
    `Anclora Press benchmark — ${machine.date}, commit ${machine.commit}${machine.dirtyTree ? ' (uncommitted changes)' : ''}`,
    `machine: ${machine.cpus.count} × ${machine.cpus.model}, ${machine.memoryGiB} GiB RAM, load at start ${machine.loadAverageAtStart.join(' ')}; ${machine.os}; node ${machine.node}; ${machine.chromium ?? 'chromium not found'}`,
    `each figure is the median of ${runs} runs; CPUs shared with other work: load average ${machine.loadAverageAtStart.join(' ')} at start (figures are noisy when it is above ${machine.cpus.count})`,
    ...tables,
    `\nbench took ${results.elapsedSeconds} s; written: ${resultsFile}\n`,
  ].join('\n'),
);
