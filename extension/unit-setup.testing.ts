// Setup of the unit test project: every `wxt/browser` import gets the one fake browser (lib/fake-browser.testing.ts).
import { vi } from 'vitest';

vi.mock('wxt/browser', async () => ({ browser: (await import('./lib/fake-browser.testing.ts')).fakeBrowser }));
