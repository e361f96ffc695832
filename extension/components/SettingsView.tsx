// Sync settings in the side panel, account first: who is signed in, or email and password to sign in or create an
// account; sign out (here or, after confirming, everywhere). The server's address waits under "Advanced", prefilled.
import { useState, type FormEvent } from 'react';
import { t } from '../lib/i18n.ts';
import { codeText, serverErrorText } from '../lib/server-errors.ts';
import { DEFAULT_SERVER_URL, type AccountSettings } from '../lib/sync/account.ts';
import { backgroundAccountActions, type AccountActions } from '../lib/sync/messages.ts';
import { useAccountSettings } from '../lib/sync/panel.ts';
import { TransportError, isUnencryptedRemote, normalizeServerUrl } from '../lib/sync/transport-error.ts';

export interface SettingsFormProps {
  settings: AccountSettings;
  account: AccountActions;
}

/** The address as the account stores it, or as typed when it is not a valid address yet. */
function normalizedOrSame(serverUrl: string): string {
  try {
    return normalizeServerUrl(serverUrl);
  } catch {
    return serverUrl;
  }
}

/** What is missing or wrong in the form, in the writer's language, before anything is sent. */
function formProblem(serverUrl: string, email: string, password: string): string | null {
  if (!email.trim()) return t('enterEmail');
  if (!password) return t('enterPassword');
  try {
    normalizeServerUrl(serverUrl);
  } catch {
    return t('serverUrlInvalid');
  }
  return null;
}

function describe(error: unknown, serverUrl: string): string {
  if (error instanceof TransportError && error.kind === 'network') {
    return t(navigator.onLine ? 'serverUnreachable' : 'browserOffline', normalizedOrSame(serverUrl));
  }
  if (error instanceof TransportError) return serverErrorText(error);
  return error instanceof Error ? error.message : String(error);
}

interface FieldProps {
  testId: string;
  label: string;
  type: 'url' | 'email' | 'password';
  value: string;
  onChange: (value: string) => void;
  autoComplete: string;
}

function Field({ testId, label, type, value, onChange, autoComplete }: FieldProps) {
  return (
    <label>
      {label}
      <input
        data-testid={testId}
        type={type}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete={autoComplete}
        required
      />
    </label>
  );
}

export function SettingsForm({ settings, account }: SettingsFormProps) {
  // The fields start from storage; later storage changes must not overwrite what the user is typing.
  const [serverUrl, setServerUrl] = useState(settings.serverUrl);
  const [email, setEmail] = useState(settings.email);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmingEverywhere, setConfirmingEverywhere] = useState(false);
  // Open from the start when the writer already chose another server than the default.
  const [advancedOpen, setAdvancedOpen] = useState(normalizedOrSame(settings.serverUrl) !== DEFAULT_SERVER_URL);
  const signedIn = Boolean(settings.signedIn);

  async function attempt(action: () => Promise<unknown>) {
    const problem = formProblem(serverUrl, email, password);
    if (problem) {
      setError(problem);
      setNotice(null);
      return;
    }
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
      setPassword('');
    } catch (e) {
      setError(describe(e, serverUrl));
      // A server that cannot be reached is most often a wrong address: show it.
      if (e instanceof TransportError && e.kind === 'network') setAdvancedOpen(true);
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void attempt(() => account.signIn({ serverUrl, email, password }));
  }

  async function signOut() {
    setBusy(true);
    setError(null);
    try {
      const result = await account.signOut();
      setNotice(result.revoked ? null : t('signOutNotRevoked', codeText(result.errorCode) ?? result.error ?? ''));
    } catch (e) {
      setError(describe(e, serverUrl));
    } finally {
      setBusy(false);
    }
  }

  async function signOutEverywhere() {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const revoked = await account.signOutEverywhere();
      setConfirmingEverywhere(false);
      setNotice(t('signedOutEverywhere', [revoked.tokens, revoked.sessions]));
    } catch (e) {
      setError(describe(e, serverUrl));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="settings" aria-labelledby="settings-heading">
      <h2 id="settings-heading">{t('settings')}</h2>
      <p data-testid="account-status" data-signed-in={signedIn ? 'true' : 'false'}>
        {signedIn ? t('signedInAs', settings.email) : t('notSignedIn')}
      </p>
      {!signedIn && settings.signedOutReason && <p role="status">{t('signedOutByServer')}</p>}
      {!signedIn && <p>{t('syncOptional')}</p>}
      {isUnencryptedRemote(signedIn ? settings.serverUrl : serverUrl) && (
        <p role="note" className="settings__warning" data-testid="unencrypted-warning">
          {t('unencryptedServer')}
        </p>
      )}
      {signedIn ? (
        <>
          <p data-testid="signed-in-server">{t('syncingWith', settings.serverUrl)}</p>
          <div className="settings__actions">
            <button type="button" data-testid="sign-out" disabled={busy} onClick={() => void signOut()}>
              {t('signOut')}
            </button>
            {!confirmingEverywhere && (
              <button
                type="button"
                data-testid="sign-out-everywhere"
                disabled={busy}
                onClick={() => setConfirmingEverywhere(true)}
              >
                {t('signOutEverywhere')}
              </button>
            )}
          </div>
          {confirmingEverywhere && (
            <div role="group" aria-labelledby="sign-out-everywhere-warning" data-testid="sign-out-everywhere-confirm">
              <p id="sign-out-everywhere-warning">{t('signOutEverywhereWarning')}</p>
              <div className="settings__actions">
                <button
                  type="button"
                  className="danger"
                  data-testid="confirm-sign-out-everywhere"
                  disabled={busy}
                  onClick={() => void signOutEverywhere()}
                >
                  {t('confirmSignOutEverywhere')}
                </button>
                <button
                  type="button"
                  data-testid="cancel-sign-out-everywhere"
                  disabled={busy}
                  onClick={() => setConfirmingEverywhere(false)}
                >
                  {t('cancel')}
                </button>
              </div>
            </div>
          )}
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field testId="email" label={t('email')} type="email" value={email} onChange={setEmail} autoComplete="username" />
          <Field
            testId="password"
            label={t('password')}
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete="current-password"
          />
          <div className="settings__actions">
            <button type="submit" data-testid="sign-in" disabled={busy}>
              {t('signIn')}
            </button>
            <button
              type="button"
              data-testid="create-account"
              disabled={busy}
              onClick={() => void attempt(() => account.createAccount({ serverUrl, email, password }))}
            >
              {t('createAccount')}
            </button>
          </div>
          <details
            className="settings__advanced"
            data-testid="advanced-settings"
            open={advancedOpen}
            onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}
          >
            <summary data-testid="advanced-toggle">{t('advanced')}</summary>
            <Field testId="server-url" label={t('serverUrl')} type="url" value={serverUrl} onChange={setServerUrl} autoComplete="url" />
            <p>{t('serverUrlHint')}</p>
          </details>
        </form>
      )}
      {busy && <p aria-live="polite">{t('working')}</p>}
      {error && (
        <p role="alert" className="settings__error" data-testid="settings-error">
          {error}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      <p className="settings__device" data-testid="per-device-note">
        {t('perDeviceNote')}
      </p>
    </section>
  );
}

export function SettingsView() {
  const settings = useAccountSettings();
  // Until storage has answered, nothing is known: saying "Not signed in" meanwhile would be wrong for a moment.
  if (!settings) return <p className="loading">{t('loading')}</p>;
  return <SettingsForm settings={settings} account={backgroundAccountActions()} />;
}
