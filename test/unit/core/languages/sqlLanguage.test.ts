/**
 * person18 LOW 5: a `.sql` file opened as "MS SQL" in code-server (VS Code's own SQL language, id 'sql', is named after
 * its first alias). PG Lens names the 'sql' language "PostgreSQL" without taking any file from another extension: its
 * contribution adds aliases only (an extension list would re-associate `.sql` with 'sql' after a PostgreSQL extension
 * that gave it its own id: the last contribution of an extension wins), injects a PostgreSQL grammar into source.sql,
 * and gives 'sql' to a .psql/.pgsql script only when it opened as plain text.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EDITOR_LANGUAGE_IDS, sqlLanguageFor } from '../../../../src/core/languages/registry';

const root = path.join(__dirname, '..', '..', '..', '..');
interface Contributes {
  languages?: { id: string; aliases?: string[]; extensions?: string[]; filenames?: string[]; filenamePatterns?: string[]; firstLine?: string }[];
  grammars?: { scopeName: string; path: string; language?: string; injectTo?: string[] }[];
}
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: Contributes };

/** VS Code's name of a language: the first alias of the last contribution that gives aliases (workbench LanguagesRegistry). */
function nameOf(id: string, contributions: { id: string; aliases?: string[] }[]): string {
  let name = id;
  for (const c of contributions) if (c.id === id && c.aliases?.length) name = c.aliases[0];
  return name;
}

describe('the SQL language PG Lens reads: named PostgreSQL, nobody else\'s files taken', () => {
  const langs = pkg.contributes.languages ?? [];

  it("names the 'sql' language PostgreSQL after VS Code's own contribution (MS SQL, T-SQL)", () => {
    const builtin = { id: 'sql', extensions: ['.sql', '.dsql'], aliases: ['MS SQL', 'T-SQL'] };
    assert.equal(nameOf('sql', [builtin]), 'MS SQL');
    assert.equal(nameOf('sql', [builtin, ...langs]), 'PostgreSQL');
  });

  it('contributes to language ids PG Lens reads, and associates no file (extension, name, pattern, first line) with any', () => {
    assert.ok(langs.length > 0);
    for (const l of langs) {
      assert.ok(EDITOR_LANGUAGE_IDS.includes(l.id), `${l.id} is a language PG Lens reads`);
      assert.deepEqual([l.extensions, l.filenames, l.filenamePatterns, l.firstLine], [undefined, undefined, undefined, undefined], `${l.id} takes no file from another extension`);
    }
    // The PostgreSQL extensions' own ids are read too: a user's .sql opened as 'pgsql' or 'postgres' is analysed.
    for (const id of ['sql', 'pgsql', 'postgres']) assert.ok(EDITOR_LANGUAGE_IDS.includes(id), id);
  });

  it('the PostgreSQL grammar is an injection into source.sql only: dollar quotes, E strings, $n, :: casts, psql commands and variables', () => {
    const grammars = pkg.contributes.grammars ?? [];
    assert.equal(grammars.length, 1);
    const g = grammars[0];
    assert.equal(g.language, undefined, 'no grammar replaces the sql language\'s own');
    assert.deepEqual(g.injectTo, ['source.sql']);
    const file = JSON.parse(fs.readFileSync(path.join(root, g.path), 'utf8')) as { scopeName: string; injectionSelector: string; repository: Record<string, { match?: string; begin?: string; end?: string }> };
    assert.equal(file.scopeName, g.scopeName);
    assert.match(file.injectionSelector, /^L:source\.sql /);
    assert.match(g.path, /^\.\/media\//, 'media/** is in the package (.vscodeignore)');
    const re = (k: string, which: 'match' | 'begin' = 'match') => new RegExp(file.repository[k][which]!);
    assert.equal(re('dollar-quoted', 'begin').exec('AS $body$ SELECT 1 $body$')?.[1], '$body$');
    assert.equal(re('dollar-quoted', 'begin').exec('DO $$ BEGIN END $$')?.[1], '$$');
    assert.equal(new RegExp(file.repository['dollar-quoted'].end!.replace('\\2', 'body')).exec(' SELECT 1 $body$')?.[1], '$body$');
    assert.ok(re('escape-string', 'begin').test("E'a\\nb'"));
    assert.ok(!re('escape-string', 'begin').test("WHERE name = 'x'"));
    assert.equal(re('parameter').exec('WHERE id = $12')?.[0], '$12');
    assert.equal(re('cast').exec("created_at::timestamptz")?.[2], 'timestamptz');
    assert.equal(re('cast').exec("ids::bigint[]")?.[2], 'bigint[]');
    assert.equal(re('psql-meta-command').exec('\\set ON_ERROR_STOP on')?.[1], '\\set');
    assert.equal(re('psql-variable').exec("WHERE id = :'user_id'")?.[0], ":'user_id'");
    assert.equal(re('psql-variable').exec('SELECT x::int'), null, 'a cast is not a psql variable');
  });

  it('a .psql/.pgsql script opened as plain text opens as sql; .sql, other languages and the user\'s own associations are left alone', () => {
    assert.equal(sqlLanguageFor('plaintext', '/w/db/seed.psql'), 'sql');
    assert.equal(sqlLanguageFor('plaintext', '/w/db/FUNCS.PGSQL'), 'sql');
    assert.equal(sqlLanguageFor('pgsql', '/w/db/funcs.pgsql'), undefined, 'another extension gave it a language');
    assert.equal(sqlLanguageFor('plaintext', '/w/db/schema.sql'), undefined, 'the user made .sql plain text');
    assert.equal(sqlLanguageFor('plaintext', '/w/notes.txt'), undefined);
    assert.equal(sqlLanguageFor('plaintext', '/w/db/seed.psql', ['*.psql']), undefined, 'files.associations names it');
  });
});
