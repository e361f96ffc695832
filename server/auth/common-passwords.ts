// Sign-up refuses the passwords attackers try first. common-passwords.txt is SecLists'
// Passwords/Common-Credentials/10k-most-common.txt (github.com/danielmiessler/SecLists, MIT licence; commit 4f84b3c),
// the 10,000 most common passwords, one a line, with LF line endings.
import { readFileSync } from 'node:fs';

let common: Set<string> | null = null;

function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
  );
  return common;
}

/** True for a password on the list, in any letter case ("Password1" is as weak as "password1"). */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.trim().toLowerCase());
}
