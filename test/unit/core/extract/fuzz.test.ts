import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { extractSqlSitesDetailed, extractSqlSitesSync, prepareExtraction, sqlFileSites } from '../../../../src/core/extract/index';
import { finishSql, textPart } from '../../../../src/core/extract/compose';
import { splitSqlStatements, statementAt } from '../../../../src/core/extract/sqlLexer';
import type { SqlSite } from '../../../../src/core/extract/types';
import { listFixtures } from '../../support/extractFixtures';
import { prng } from '../../../../examples/shop/prng';

const TRICKY = ['"', "'", '`', '$', '$$', '${', '{', '}', '\\', '#{', '%s', '%(', '?', ':', '::', '\n', '\r\n', '/*', '*/', '--', '#', '//', '"""', "'''", '<<~SQL\n', 'SQL\n', 'SELECT ', ' FROM ', 'sql`', 'query(', ')', '(', ';', 'E\'', 'f"', 'r"', '@', '\u0000', '\uFFFF', '\uD800', 'é', '😀'];
const LANGS = ['a.ts', 'a.tsx', 'a.js', 'a.py', 'a.go', 'A.java', 'a.rb', 'a.sql'];

function checkSites(text: string, sites: SqlSite[], label: string): void {
  for (const s of sites) {
    assert.equal(s.sourceMap.length, s.sql.length, `${label}: sourceMap length`);
    for (const o of s.sourceMap) assert.ok(Number.isInteger(o) && o >= 0 && o <= text.length, `${label}: offset ${o} in range`);
    assert.ok(s.span.start >= 0 && s.span.end <= text.length && s.span.start <= s.span.end, `${label}: span in range`);
    for (const p of s.params) assert.ok(p.index >= 1 && p.span.start >= 0 && p.span.end <= text.length, `${label}: param in range`);
    assert.ok(s.confidence > 0 && s.confidence <= 1, `${label}: confidence`);
  }
}

describe('core/extract fuzz (never throws, results stay well-formed)', function () {
  this.timeout(300_000); // thousands of inputs on a loaded 2-core machine; speed is measured in bench/extract.bench.ts
  before(async () => {
    for (const l of LANGS) await prepareExtraction(l);
  });

  const fixtureTexts = listFixtures().filter((f) => !f.endsWith('.md')).map((f) => ({ file: f, text: fs.readFileSync(f, 'utf8') }));

  function randomText(r: () => number): string {
    const n = Math.floor(r() * 300);
    let s = '';
    for (let i = 0; i < n; i++) {
      const k = r();
      if (k < 0.5) s += TRICKY[Math.floor(r() * TRICKY.length)];
      else if (k < 0.8) s += String.fromCharCode(32 + Math.floor(r() * 95));
      else s += String.fromCharCode(Math.floor(r() * 0xffff));
    }
    return s;
  }

  function mutate(r: () => number, text: string): string {
    let t = text;
    const ops = 1 + Math.floor(r() * 6);
    for (let i = 0; i < ops; i++) {
      const a = Math.floor(r() * (t.length + 1));
      const b = Math.min(t.length, a + Math.floor(r() * 40));
      const op = r();
      if (op < 0.3) t = t.slice(0, a) + t.slice(b);
      else if (op < 0.6) t = t.slice(0, a) + TRICKY[Math.floor(r() * TRICKY.length)] + t.slice(a);
      else if (op < 0.8) t = t.slice(0, b) + t.slice(a, b) + t.slice(b);
      else t = t.slice(0, a);
    }
    return t;
  }

  it('2,400 random and mutated inputs across every language, async and sync', async () => {
    const r = prng(20261126);
    let sites = 0;
    for (let i = 0; i < 2400; i++) {
      const lang = LANGS[i % LANGS.length];
      let text: string;
      if (i % 3 === 0) text = randomText(r);
      else {
        const src = fixtureTexts[Math.floor(r() * fixtureTexts.length)];
        text = mutate(r, src.text);
      }
      const label = `input ${i} (${lang})`;
      const a = await extractSqlSitesDetailed(text, lang);
      checkSites(text, a.sites, label);
      const s = extractSqlSitesSync(text, lang);
      assert.ok(s, `${label}: sync variant ready`);
      assert.deepEqual(s.sites.map((x) => x.sql), a.sites.map((x) => x.sql), `${label}: sync and async agree`);
      sites += a.sites.length;
    }
    assert.ok(sites > 100, `mutated fixtures still yield sites (${sites})`);
  });

  it('binary junk and invalid UTF-8 (decoded with replacement characters)', async () => {
    const r = prng(7);
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.alloc(1 + Math.floor(r() * 2000));
      for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(r() * 256);
      const text = bytes.toString('utf8');
      for (const lang of LANGS) checkSites(text, (await extractSqlSitesDetailed(text, lang)).sites, `junk ${i} ${lang}`);
    }
  });

  it('deep nesting and unterminated constructs', async () => {
    const inputs = [
      '('.repeat(5000) + 'query("SELECT 1")',
      'x = ' + '['.repeat(5000),
      'db.query("SELECT ' + '"+"'.repeat(5000) + '")',
      'a = "SELECT 1 FROM t" ' + '+ "x" '.repeat(5000),
      'sql`SELECT ${'.repeat(3000),
      '"""SELECT * FROM t WHERE a = \'',
      "cur.execute('SELECT 1",
      '/* sql */ `SELECT ${a} FROM',
      '<<~SQL\n  SELECT 1\n',
      'String s = """\n   SELECT\n',
      'SELECT $$ never closed',
      "SELECT E'\\",
      '\\',
      '',
    ];
    for (const text of inputs) for (const lang of LANGS) checkSites(text, (await extractSqlSitesDetailed(text, lang)).sites, `nesting ${lang}`);
  });

  it('a 5 MB generated file does not throw (and is bounded by size and time limits)', async () => {
    const line = 'const q{i} = await pool.query("SELECT id, name FROM users WHERE id = $1 AND org = \'{i}\'", [id]);\n';
    let text = '';
    for (let i = 0; text.length < 5_000_000; i++) text += line.replaceAll('{i}', String(i));
    const r = await extractSqlSitesDetailed(text, 'big.ts');
    checkSites(text, r.sites, 'big');
    assert.ok(r.sites.length > 1000 || r.reason, 'either sites or a reason');
    const limited = await extractSqlSitesDetailed(text, 'big.ts', undefined, { maxChars: 1_000_000 });
    assert.deepEqual(limited.sites, []);
    assert.match(limited.reason ?? '', /too large/);
    const timed = await extractSqlSitesDetailed(text, 'big.ts', undefined, { timeoutMs: 1 });
    assert.deepEqual(timed.sites, []);
    assert.match(timed.reason ?? '', /longer than 1 ms/);
  });

  it('non-string input gives [] with a reason', async () => {
    const r = await extractSqlSitesDetailed(undefined as unknown as string, 'a.ts');
    assert.deepEqual(r.sites, []);
    assert.ok(r.reason);
  });

  it('the SQL lexer, splitter and placeholder rewriting on random text', () => {
    const r = prng(99);
    for (let i = 0; i < 3000; i++) {
      const text = randomText(r);
      const st = splitSqlStatements(text);
      for (const s of st) assert.equal(text.slice(s.start, s.end), s.text);
      statementAt(text, Math.floor(r() * (text.length + 1)));
      checkSites(text, sqlFileSites(text), `sql ${i}`);
      const f = finishSql([textPart(text, 0)], { dollar: true, qmark: 'jdbc', pyformat: true, colon: true, at: true });
      assert.equal(f.sourceMap.length, f.sql.length);
    }
  });
});
