import type { LanguageSpec } from '../language';

/** SQL scripts: split by our own psql-aware lexer (core/extract/sqlLexer.ts), no tree-sitter grammar. */
export const sqlLanguage = {
  name: 'sql',
  grammars: {},
  editorIds: { sql: 'sql', pgsql: 'sql', postgres: 'sql' },
  extensions: { '.sql': 'sql', '.pgsql': 'sql', '.psql': 'sql' },
  lineComment: '--',
} as const satisfies LanguageSpec<never>;
