// Account storage: users and the OAuth identities linked to them.

export interface User {
  id: string;
  /** Stored as normaliseEmail gives it, so one address is one account whatever its spelling. */
  email: string;
  name: string | null;
  passwordHash: string;
  createdAt: number;
}

/** An OAuth identity linked to a user: once linked, the provider's account id, not the email, finds the user. */
export interface Identity {
  provider: string;
  /** The provider's stable account id (GitHub's numeric user id, Google's `sub`). */
  subject: string;
  userId: string;
  createdAt: number;
}

/** The one spelling of an email address the server stores, looks up and counts sign-in attempts by. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface AccountStore {
  /** Stores the email normalised; throws EmailTakenError when that address is registered. */
  createUser(user: User): Promise<void>;
  /** The user with this address (normalised here, however the caller spelled it). */
  findUserByEmail(email: string): Promise<User | null>;
  findUserById(id: string): Promise<User | null>;

  /** Throws IdentityTakenError when (provider, subject) is already linked. */
  linkIdentity(identity: Identity): Promise<void>;
  findIdentity(provider: string, subject: string): Promise<Identity | null>;
  listIdentities(userId: string): Promise<Identity[]>;
}

export class EmailTakenError extends Error {
  constructor() {
    super('email already registered');
    this.name = 'EmailTakenError';
  }
}

export class IdentityTakenError extends Error {
  constructor() {
    super('identity already linked');
    this.name = 'IdentityTakenError';
  }
}
