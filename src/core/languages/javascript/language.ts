import type { LanguageSpec } from '../language';

/** TypeScript, TSX and JavaScript: one extraction profile and N+1 view, three grammars. */
export const javascriptLanguage = {
  name: 'javascript',
  grammars: { typescript: 'tree-sitter-typescript.wasm', tsx: 'tree-sitter-tsx.wasm', javascript: 'tree-sitter-javascript.wasm' },
  editorIds: { typescript: 'typescript', typescriptreact: 'tsx', javascript: 'javascript', javascriptreact: 'javascript' },
  extensions: { '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'tsx', '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript' },
  lineComment: '//',
  databaseModules: ['sequelize', 'sequelize-typescript', 'typeorm', '@prisma/client', '.prisma/client', 'knex', 'objection', '@mikro-orm/', 'drizzle-orm', 'kysely', 'pg', 'pg-promise', 'postgres', 'slonik', '@neondatabase/serverless', '@vercel/postgres'],
  // GraphQL client documents (Apollo / graphql-codegen `.graphql` files): no SQL; the N+1 pass reads
  // which resolver fields the client asks under a list (core/nplusone/clientDocuments.ts).
  templates: { '.graphql': 'graphql', '.gql': 'graphql' },
  // Server-rendered views of Node apps: Nunjucks `{# #}`; Handlebars and Vue templates take HTML's comment.
  templateComments: [
    { editorIds: ['nunjucks'], extensions: ['.njk'], open: '{#', close: '#}' },
    { editorIds: ['handlebars', 'vue-html'], extensions: ['.hbs', '.handlebars'], open: '<!--', close: '-->' },
  ],
} as const satisfies LanguageSpec<'typescript' | 'tsx' | 'javascript'>;
