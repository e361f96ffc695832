// Catches the files a page downloads in Chromium (the DevTools protocol's download events), to validate them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession } from 'puppeteer';
import { within } from '../../shared/wait.testing.ts';

export interface Download {
  filename: string;
  path: string;
  bytes: Uint8Array;
}

export interface Downloads {
  /** Runs `trigger` and resolves with the one download it starts, once the file is complete on disk. */
  next(trigger: () => Promise<void>, timeout?: number): Promise<Download>;
  /** How many downloads the browser has begun since it was caught (to show that an action downloaded nothing). */
  begun(): number;
  close(): Promise<void>;
}

/** Lets the browser save downloads into a fresh folder (by their own names) and reports each completed one. */
export async function catchDownloads(browser: Browser): Promise<Downloads> {
  const dir = await mkdtemp(join(tmpdir(), 'anclora-downloads-'));
  const session: CDPSession = await browser.target().createCDPSession();
  await session.send('Browser.setDownloadBehavior', { behavior: 'allowAndName', downloadPath: dir, eventsEnabled: true });
  let begun = 0;
  session.on('Browser.downloadWillBegin', () => begun++);
  return {
    begun: () => begun,
    async next(trigger, timeout = 60_000) {
      let filename = '';
      let guid = '';
      const done = new Promise<void>((resolve, reject) => {
        const begin = (e: { guid: string; suggestedFilename: string }) => {
          guid = e.guid;
          filename = e.suggestedFilename;
        };
        const progress = (e: { guid: string; state: string }) => {
          if (e.guid !== guid) return;
          if (e.state === 'completed' || e.state === 'canceled') {
            session.off('Browser.downloadWillBegin', begin);
            session.off('Browser.downloadProgress', progress);
            if (e.state === 'completed') resolve();
            else reject(new Error(`download of ${filename} was canceled`));
          }
        };
        session.on('Browser.downloadWillBegin', begin);
        session.on('Browser.downloadProgress', progress);
      });
      await trigger();
      await within(done, timeout, 'the download to complete');
      // allowAndName saves the file under its guid; the suggested name is what the writer would see.
      const path = join(dir, guid);
      return { filename, path, bytes: new Uint8Array(await readFile(path)) };
    },
    async close() {
      await session.detach().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
