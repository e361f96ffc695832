// ESLint: typescript-eslint's recommended rules, React's hook rules, and the import rules that hold the architecture's
// shape: dependencies point one way (UI → domain → storage/transport; shared/ imports nothing of ours; extension/ and
// server/ never import each other outside tests), and nothing that ships imports test support.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.test.ts', '**/*.test.tsx'];
/** Test support: helpers only tests import, named so that they can never ship (the sources zip drops them too). */
const TEST_SUPPORT = ['**/testing.ts', '**/*.testing.ts', 'server/test/**'];

/** Restricted import sources, as regular expressions over the import path. */
const forbid = (regex, message, allowTypeImports = false) => ({ regex, message, allowTypeImports });
const testSupport = forbid(String.raw`(^|/)testing\.ts$|\.testing\.ts$|(^|/)(test|e2e|bench)/`, 'Test support must not ship: only tests import it.');
const server = forbid(String.raw`(^|/)server/`, 'Only tests may import server code from here.');
const extension = forbid(String.raw`(^|/)extension/`, 'The server never imports extension code.');
const ui = forbid(String.raw`(^|/)(components|entrypoints)/`, 'Dependencies point one way: the UI imports the domain, never the reverse.');
const storage = forbid(
  String.raw`^dexie$|(^|/)db\.ts$|(^|/)dexie-store\.ts$`,
  'The UI talks to the domain (the book repository, conflict choices), not to the database. Type imports are fine.',
  true,
);

const restrict = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', '.tmp/**', 'data/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['extension/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    rules: {
      // `_name` marks a value taken apart on purpose (rest destructuring that drops fields).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // Tests and benchmarks read JSON answers whose shape is what they assert.
  { files: [...TESTS, ...TEST_SUPPORT, 'e2e/**', 'bench/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // The layers. Each file falls in exactly one group, because a later group's rule setting replaces an earlier one's.
  { files: ['shared/**/*.ts'], ignores: TESTS, rules: restrict(server, extension, testSupport) },
  { files: ['server/**/*.ts'], ignores: [...TESTS, ...TEST_SUPPORT], rules: restrict(extension, testSupport) },
  {
    files: ['extension/components/**/*.{ts,tsx}', 'extension/entrypoints/sidepanel/**/*.{ts,tsx}'],
    ignores: TESTS,
    rules: restrict(server, testSupport, storage),
  },
  { files: ['extension/lib/**/*.{ts,tsx}'], ignores: [...TESTS, ...TEST_SUPPORT], rules: restrict(server, testSupport, ui) },
  { files: ['extension/entrypoints/*.ts'], rules: restrict(server, testSupport) },
);
