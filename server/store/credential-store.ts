// Credential storage: device tokens and signed-in browser sessions, and revoking them.

export interface TokenRecord {
  id: string;
  userId: string;
  /** sha256 of the token, hex; the token itself is never stored. */
  hash: string;
  deviceName: string;
  createdAt: number;
  lastUsedAt: number | null;
  /** The session that created the token (it dies with it), or null when it was created with the password. */
  sessionId: string | null;
  /**
   * How the account proved itself to create it: 'password', or the Auth.js provider of the creating session
   * ('credentials', 'github', 'google'); null for tokens created before this was recorded.
   */
  signIn: string | null;
}

/** A signed-in browser session: the Auth.js JWT carries its id (`sid`) and is refused once the record is gone. */
export interface SessionRecord {
  id: string;
  userId: string;
  /** The Auth.js provider the user signed in with: 'credentials', 'github', 'google'. */
  provider: string;
  createdAt: number;
  /** The session ends at this time (ms) whatever its cookie says; the store may forget it afterwards. */
  expiresAt: number;
}

/** What "sign out everywhere" removed. */
export interface RevokedCount {
  sessions: number;
  tokens: number;
}

export interface CredentialStore {
  createToken(token: TokenRecord): Promise<void>;
  findTokenByHash(hash: string): Promise<TokenRecord | null>;
  touchToken(id: string, at: number): Promise<void>;
  listTokens(userId: string): Promise<TokenRecord[]>;
  /** True when a token of this user was revoked (deleted). */
  revokeToken(userId: string, id: string): Promise<boolean>;

  createSession(session: SessionRecord): Promise<void>;
  /** The session with this id, unless it was revoked or expired before `now`. */
  findSession(id: string, now: number): Promise<SessionRecord | null>;
  /** The user's live sessions at `now`, oldest first. */
  listSessions(userId: string, now: number): Promise<SessionRecord[]>;
  /** Deletes a session of this user and every device token it created, in one step; true when it existed. */
  revokeSession(userId: string, id: string): Promise<boolean>;
  /** Deletes every session and every device token of the user, in one step ("sign out everywhere"). */
  revokeAllCredentials(userId: string): Promise<RevokedCount>;
}
