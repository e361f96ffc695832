// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { markWelcomeRead, openPanelShortcut, welcomeRead } from './welcome.ts';

beforeEach(() => localStorage.clear());

describe('the first-run welcome', () => {
  it('shows until it is read, then never again on this device', () => {
    expect(welcomeRead(localStorage)).toBe(false);
    markWelcomeRead(localStorage);
    expect(welcomeRead(localStorage)).toBe(true);
  });

  it('names no shortcut rather than failing when the browser cannot tell', async () => {
    await expect(openPanelShortcut()).resolves.toBeTypeOf('string');
  });
});
