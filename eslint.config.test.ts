// The import rules of eslint.config.js fire: each layer is given a deliberately wrong import, and a right one.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: import.meta.dirname });

/** The restricted-import messages ESLint reports for `code` written at `filePath`. */
async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('the import rules', () => {
  it.each([
    ['shared/ imports server code', 'shared/x.ts', "import { createApp } from '../server/app.ts';\nexport const a = createApp;"],
    ['shared/ imports extension code', 'shared/x.ts', "import { database } from '../extension/lib/books/db.ts';\nexport const a = database;"],
    ['the extension imports the server', 'extension/lib/x.ts', "import { createApp } from '../../server/app.ts';\nexport const a = createApp;"],
    ['the server imports the extension', 'server/x.ts', "import { database } from '../extension/lib/books/db.ts';\nexport const a = database;"],
    ['a view opens the database', 'extension/components/X.tsx', "import { database } from '../lib/books/db.ts';\nexport const a = database;"],
    ['a view imports Dexie', 'extension/components/X.tsx', "import { liveQuery } from 'dexie';\nexport const a = liveQuery;"],
    ['the domain imports a view', 'extension/lib/x.ts', "import { BookList } from '../components/BookList.tsx';\nexport const a = BookList;"],
    ['shipped code imports test support', 'extension/lib/x.ts', "import { testDatabases } from './testing.ts';\nexport const a = testDatabases;"],
    ['server code imports its test harness', 'server/x.ts', "import { startServer } from './test/harness.ts';\nexport const a = startServer;"],
  ])('refuses: %s', async (_name, filePath, code) => {
    expect(await importErrors(filePath, code)).toHaveLength(1);
  });

  it.each([
    ['a view imports a type from the database module', 'extension/components/X.tsx', "import type { LocalBook } from '../lib/books/db.ts';\nexport type A = LocalBook;"],
    ['a view uses the book repository', 'extension/components/X.tsx', "import { bookRepository } from '../lib/books/repository.ts';\nexport const a = bookRepository;"],
    ['the extension uses shared rules', 'extension/lib/x.ts', "import { LIMITS } from '../../shared/limits.ts';\nexport const a = LIMITS;"],
    ['a test drives the real server', 'extension/lib/x.test.ts', "import { startServer } from '../../server/test/harness.ts';\nexport const a = startServer;"],
  ])('allows: %s', async (_name, filePath, code) => {
    expect(await importErrors(filePath, code)).toEqual([]);
  });
});
