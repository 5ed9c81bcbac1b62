// Layering (docs/architecture in ../shared/DESIGN.md): enforced here, not by trust.
import tseslint from 'typescript-eslint';

const banVscodeAndPg = {
  paths: [
    { name: 'vscode', message: 'src/core and src/shared are pure: no vscode.' },
    { name: 'pg', message: 'src/core and src/shared are pure: pg lives in src/db.' },
  ],
  patterns: [
    { group: ['**/db/**', '**/vscode/**', '**/cli/**'], message: 'core/shared may not import db, vscode or cli.' },
    { group: ['fs', 'node:fs', 'fs/*', 'node:fs/*', 'net', 'node:net', 'http', 'node:http', 'child_process', 'node:child_process'], message: 'core/shared are pure: no fs or network.' },
  ],
};
const banVscode = {
  paths: [{ name: 'vscode', message: 'only src/vscode imports vscode.' }],
  patterns: [{ group: ['**/vscode/**'], message: 'db and cli may not import the editor layer.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'media/dist/**', 'node_modules/**', 'test/e2e/.cache/**', '**/*.mjs', '**/*.js', 'test/fixtures/**', 'examples/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-syntax': ['error', { selector: "MemberExpression[property.name='innerHTML']", message: 'Render database strings with textContent, never innerHTML.' }],
    },
  },
  { files: ['src/core/**/*.ts', 'src/shared/**/*.ts'], rules: { 'no-restricted-imports': ['error', banVscodeAndPg] } },
  { files: ['src/db/**/*.ts', 'src/cli/**/*.ts'], rules: { 'no-restricted-imports': ['error', banVscode] } },
  { files: ['src/webview/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: ['vscode', 'pg'], patterns: [{ group: ['**/db/**', '**/vscode/**', '**/cli/**'], message: 'webviews run in the browser: no db, editor or cli layer.' }] }] } },
);
