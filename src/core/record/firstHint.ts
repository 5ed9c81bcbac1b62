/**
 * The first hint on a project whose code reaches PostgreSQL through an ORM (issue 20, person17 LOW 8): its files hold no
 * SQL in strings, so before anything is recorded PG Lens had nothing to say on them — not a hover, not a CodeLens. One
 * dismissible line, at the line that brings the ORM or the app's models in, says that recording shows what the calls
 * send. Pure: the file's text and language (core/nplusone/context reads its imports, clients and models).
 */
import { learnContext } from '../nplusone/context';
import { codeContextOf } from '../codeContext';
import type { SourceLanguage } from '../syntax/treeSitter';
import { isDatabaseModule } from '../languages/registry';


/** The hint's text (the CodeLens title); its command starts a recording. */
export const ORM_HINT_TITLE = '$(record) PG Lens: Start Recording, then run the app, to see the SQL these ORM calls send, their N+1s and costs';

/**
 * The 1-based line for the hint in a file that uses a database library or the app's models and holds no SQL of its own
 * (`sqlSites` 0), or undefined. The line of the first import that names one (else the first line naming a model, else
 * where the app's own query client comes from).
 */
export function ormHintLine(text: string, lang: SourceLanguage, sqlSites: number, file?: string): number | undefined {
  if (sqlSites > 0) return undefined;
  // Code that runs in the app (requests, jobs): a migration, seed, script or test file is not where recording the app
  // pays off first (person17's Django app: its 11 migrations would each have had the line).
  if (file !== undefined && !['request', 'job'].includes(codeContextOf(file, text))) return undefined;
  const ctx = learnContext(text, lang, file);
  const module = ctx.modules.find(isDatabaseModule);
  const model = [...ctx.models][0];
  // The app's own client (`const db = require('../db')`, `import { knex } from './db'`): what made it names the line.
  // Only a client imported from the app (a factory call such as redis' createClient() is no database's).
  const client = [...ctx.clients.values()].find((from) => /^(\.|@\/|~\/)/.test(from));
  if (!module && !model && !client) return undefined;
  const lines = text.split('\n');
  const find = (needle: string): number | undefined => {
    const i = lines.findIndex((l) => l.includes(needle));
    return i < 0 ? undefined : i + 1;
  };
  return (module !== undefined ? find(module) : undefined) ?? (model !== undefined ? find(model) : undefined) ?? (client !== undefined ? find(client) : undefined) ?? 1;
}
