// Test support: signing in and out of Auth.js as a browser does (CSRF token, form post, cookies kept in a jar).

/** The cookies a browser would keep, from Set-Cookie headers (expired ones removed). */
export class CookieJar {
  private cookies = new Map<string, string>();
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  has(name: string) {
    return this.cookies.has(name);
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  /** A copy, as a second browser tab (or a thief) holding the same cookies would have. */
  copy(): CookieJar {
    const other = new CookieJar();
    for (const [k, v] of this.cookies) other.cookies.set(k, v);
    return other;
  }
}

async function csrfToken(baseUrl: string, jar: CookieJar): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers: { Cookie: jar.header() } });
  jar.take(csrf);
  return ((await csrf.json()) as { csrfToken: string }).csrfToken;
}

/** Posts the credentials form; the jar holds the session cookie when it worked. */
export async function browserSignIn(baseUrl: string, email: string, password: string): Promise<{ jar: CookieJar; callback: Response }> {
  const jar = new CookieJar();
  const token = await csrfToken(baseUrl, jar);
  const callback = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header() },
    body: new URLSearchParams({ csrfToken: token, email, password, callbackUrl: `${baseUrl}/` }),
  });
  jar.take(callback);
  return { jar, callback };
}

/** Signs out through Auth.js's sign-out form. */
export async function browserSignOut(baseUrl: string, jar: CookieJar): Promise<Response> {
  const token = await csrfToken(baseUrl, jar);
  const out = await fetch(`${baseUrl}/api/auth/signout`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header() },
    body: new URLSearchParams({ csrfToken: token }),
  });
  jar.take(out);
  return out;
}
