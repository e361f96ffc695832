// @vitest-environment happy-dom
// Server refusals shown in the user's language by their code: a Spanish UI never shows the server's English text
// (except for a code this build does not know).
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import en from '../public/_locales/en/messages.json';
import es from '../public/_locales/es/messages.json';
import { ErrorCode, FieldReason } from '../../shared/error-codes.ts';
import { INITIAL_STATUS } from '../lib/sync/status.ts';
import { TransportError } from '../lib/sync/transport-error.ts';
import { SettingsForm } from './SettingsView.tsx';
import { syncIssueText } from './SyncIssueNote.tsx';
import { SyncStatusView } from './SyncStatusBadge.tsx';

type Catalog = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

// browser.i18n.getMessage over the real Spanish catalogue, placeholders included.
vi.mock('wxt/browser', async () => {
  const catalog = (await import('../public/_locales/es/messages.json')).default as unknown as Catalog;
  return {
    browser: {
      i18n: {
        getUILanguage: () => 'es',
        getMessage(key: string, subs?: string[]) {
          const entry = catalog[key];
          if (!entry) return '';
          return entry.message.replace(/\$([A-Za-z_]+)\$/g, (_m, name: string) => {
            const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
            return content.replace(/\$(\d)/g, (_x, n: string) => subs?.[Number(n) - 1] ?? '');
          });
        },
      },
      runtime: { sendMessage: async () => undefined },
    },
  };
});

afterEach(cleanup);

const ENGLISH = /Invalid|password|email|Too many|server|book/;

async function settingsErrorFor(error: TransportError): Promise<string> {
  const a = { signIn: vi.fn(async () => Promise.reject(error)), createAccount: vi.fn(), signOut: vi.fn(), signOutEverywhere: vi.fn() };
  render(<SettingsForm settings={{ serverUrl: 'http://s', email: 'ana@example.com' }} account={a as never} />);
  fireEvent.change(screen.getByTestId('password'), { target: { value: 'whatever' } });
  fireEvent.click(screen.getByTestId('sign-in'));
  return (await screen.findByTestId('settings-error')).textContent ?? '';
}

describe('server errors in a Spanish UI', () => {
  it('shows a refused sign-in in Spanish, not the English server text', async () => {
    const text = await settingsErrorFor(
      new TransportError('unauthorized', 'Invalid email or password', { status: 401, code: ErrorCode.invalidCredentials }),
    );
    expect(text).toBe('El correo o la contraseña no son correctos');
  });

  it.each([
    ['a short password', 'password', FieldReason.tooShort, 'must be at least 8 characters', 'Contraseña: debe tener al menos 8 caracteres'],
    ['a common password', 'password', FieldReason.commonPassword, 'is one of the most common passwords; choose another', 'Contraseña: es una de las contraseñas más comunes; elige otra'],
    ['an invalid email', 'email', FieldReason.invalidEmail, 'must be a valid email address', 'Correo electrónico: no es una dirección de correo válida'],
  ])('shows the field reason for %s in Spanish', async (_name, field, reason, english, spanish) => {
    const text = await settingsErrorFor(
      new TransportError('bad_request', 'Invalid sign-up', {
        status: 400,
        code: ErrorCode.invalidRequest,
        details: { [field]: [english] },
        reasons: { [field]: reason },
      }),
    );
    expect(text).toBe(`La solicitud no es válida — ${spanish}`);
    expect(text).not.toMatch(ENGLISH);
  });

  it('shows an email already registered in Spanish', async () => {
    const text = await settingsErrorFor(new TransportError('conflict', 'Email already registered', { status: 409, code: ErrorCode.emailTaken }));
    expect(text).toBe('Ya existe una cuenta con este correo');
  });

  it("falls back to the server's text for a code this build does not know", async () => {
    const text = await settingsErrorFor(new TransportError('bad_request', 'Something new', { status: 400, code: 'from_the_future' }));
    expect(text).toBe('Something new');
  });

  it('says in Spanish why signing out could not revoke the token on the server', async () => {
    const signOut = vi.fn(async () => ({ revoked: false, error: 'Server error (503)', errorCode: ErrorCode.storageFull }));
    const a = { signIn: vi.fn(), createAccount: vi.fn(), signOut, signOutEverywhere: vi.fn() };
    render(<SettingsForm settings={{ serverUrl: 'http://s', email: 'ana@example.com', signedIn: true }} account={a as never} />);
    fireEvent.click(screen.getByTestId('sign-out'));
    const notice = await screen.findByText(/no se pudo contactar con el servidor para revocar su token/);
    expect(notice.textContent).toContain('El servidor se quedó sin espacio');
    expect(notice.textContent).not.toContain('Server error');
  });

  it('explains the last sync error in Spanish in the badge tooltip', () => {
    const status = { ...INITIAL_STATUS, lastError: 'The server is busy; try again', lastErrorCode: ErrorCode.busy };
    render(<SyncStatusView status={status} signedIn onSync={() => undefined} />);
    const title = screen.getByTestId('sync-status').getAttribute('title') ?? '';
    expect(title).toContain('El servidor está ocupado');
    expect(title).not.toContain('The server is busy');
  });

  it("shows why the server refused a book in Spanish, by each field's reason", () => {
    const text = syncIssueText({
      kind: 'invalid',
      message: 'Invalid book; title: title is required; content: markup must not nest more than 256 elements deep',
      reasons: { title: FieldReason.required, content: FieldReason.markupTooComplex },
      at: 1,
    });
    expect(text).toBe('El servidor rechazó este libro: Título: es obligatorio; Manuscrito: tiene demasiados niveles o elementos de formato');
  });

  it('has an English and a Spanish message for every code and field reason', () => {
    const keys = [...Object.values(ErrorCode), ...Object.values(FieldReason)];
    const catalogs = [en, es] as unknown as Catalog[];
    for (const catalog of catalogs) {
      const messages = Object.keys(catalog).filter((k) => k.startsWith('error_') || k.startsWith('fieldReason_'));
      for (const key of keys) expect(messages.some((m) => m.endsWith(`_${key}`)), key).toBe(true);
    }
  });
});
