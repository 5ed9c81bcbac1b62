// Layering (docs/architecture.md): enforced here, not by trust, for static and dynamic imports alike.
// test/unit/lint/layers.test.ts proves the rules fire.
import tseslint from 'typescript-eslint';

const banVscodeAndPg = {
  paths: [
    { name: 'vscode', message: 'src/core and src/shared are pure: no vscode.' },
    { name: 'pg', message: 'src/core and src/shared are pure: pg lives in src/db.' },
  ],
  patterns: [
    { group: ['**/db/**', '**/vscode/**', '**/cli/**', '**/node/**'], message: 'core/shared may not import db, vscode, cli or node.' },
    { group: ['**/shared/**'], message: 'domain types live in src/core; the protocols in src/shared import them, not the other way round.' },
    { group: ['fs', 'node:fs', 'fs/*', 'node:fs/*', 'net', 'node:net', 'http', 'node:http', 'child_process', 'node:child_process'], message: 'core/shared are pure: no fs or network.' },
  ],
};
const banVscode = {
  paths: [{ name: 'vscode', message: 'only src/vscode imports vscode.' }],
  patterns: [{ group: ['**/vscode/**'], message: 'db and cli may not import the editor layer.' }],
};

// The same layer rules for dynamic import(): no-restricted-imports does not see import() expressions.
const innerHtml = { selector: "MemberExpression[property.name='innerHTML']", message: 'Render database strings with textContent, never innerHTML.' };
const dynamic = (pattern, message) => ({ selector: `ImportExpression[source.value=${pattern}]`, message });
const coreDynamic = [
  dynamic("/^(vscode|pg)$/", 'src/core and src/shared are pure: no import(\'vscode\') or import(\'pg\').'),
  dynamic("/(^|\\/)(db|cli|node)(\\/|$)|\\/vscode(\\/|$)/", 'core/shared may not import db, vscode, cli or node, dynamically either.'),
  dynamic("/^(node:)?(fs|net|http|child_process)(\\/.*)?$/", 'core/shared are pure: no fs or network, dynamically either.'),
];
const noVscodeDynamic = [dynamic("/^vscode$|\\/vscode(\\/|$)/", 'only src/vscode imports vscode (dynamically either).')];
const noCliDynamic = [dynamic("/(^|\\/)cli(\\/|$)/", 'the editor does not import the CLI: shared Node-side code lives in src/node.')];
const syntax = (...extra) => ['error', innerHtml, ...extra];

// The analysis engine is its own bundle (dist/engine.js, src/engine.ts), loaded on first use: the editor reaches it
// through src/vscode/loadEngine.ts only, and imports its types with `import type` (scripts/checkBundle.ts
// checks the bundles hold what this promises).
const ENGINE_MESSAGE = 'the analysis engine loads on first use: get it from loadEngine() (src/vscode/loadEngine.ts); import its types with `import type`.';
// The health checks and the readers of their facts are the engine's too (the dashboard, cost lens and foreign-key advice
// get them from loadEngine).
const ENGINE_HEALTH = ['**/core/health', '**/core/health/**', '**/db/health', '**/db/securityFacts', '**/db/workloadFacts', '**/db/stats', '**/db/maintenance'];
const banEngine = {
  patterns: [{ group: ['**/engine', '**/core/scan', '**/core/analyzers', '**/core/nplusone/**', '**/core/extract/index', '**/core/extract/siteAt', '**/core/syntax/treeSitter', '**/core/languages/index', '**/core/rules/index', ...ENGINE_HEALTH], message: ENGINE_MESSAGE, allowTypeImports: true }],
};
const noEngineDynamic = [dynamic("/(^|\\/)(engine|core\\/(scan|analyzers|nplusone\\/.*|extract\\/(index|siteAt)|syntax\\/treeSitter|languages\\/index|rules\\/index|health(\\/.*)?)|db\\/(health|securityFacts|workloadFacts|stats|maintenance))$/", ENGINE_MESSAGE)];

export default tseslint.config(
  { ignores: ['dist/**', 'media/dist/**', 'node_modules/**', 'test/e2e/.cache/**', '**/*.mjs', '**/*.js', 'test/fixtures/**', 'examples/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-syntax': syntax(),
    },
  },
  { files: ['src/core/**/*.ts', 'src/shared/**/*.ts'], rules: { 'no-restricted-imports': ['error', banVscodeAndPg], 'no-restricted-syntax': syntax(...coreDynamic) } },
  { files: ['src/db/**/*.ts', 'src/cli/**/*.ts', 'src/node/**/*.ts'], rules: { 'no-restricted-imports': ['error', banVscode], 'no-restricted-syntax': syntax(...noVscodeDynamic) } },
  { files: ['src/db/**/*.ts', 'src/node/**/*.ts'], rules: { 'no-restricted-imports': ['error', { ...banVscode, patterns: [...banVscode.patterns, { group: ['**/cli/**'], message: 'db and node may not import the CLI.' }, { group: ['**/shared/**'], message: 'db and node speak domain types (src/core), not the webview protocols.' }] }], 'no-restricted-syntax': syntax(...noVscodeDynamic, ...noCliDynamic) } },
  { files: ['src/vscode/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/cli/**'], message: 'the editor does not import the CLI: shared Node-side code lives in src/node.' }] }], '@typescript-eslint/no-restricted-imports': ['error', banEngine], 'no-restricted-syntax': syntax(...noCliDynamic, ...noEngineDynamic) } },
  // The one accessor: the only editor module that loads the engine.
  { files: ['src/vscode/loadEngine.ts'], rules: { '@typescript-eslint/no-restricted-imports': 'off', 'no-restricted-syntax': syntax(...noCliDynamic) } },
  { files: ['src/webview/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: ['vscode', 'pg'], patterns: [{ group: ['**/db/**', '**/vscode/**', '**/cli/**', '**/node/**'], message: 'webviews run in the browser: no db, editor, cli or node layer.' }] }] } },
);
