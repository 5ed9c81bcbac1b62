/** The report is one self-contained file, and every string from the database or the code is escaped. */
import * as assert from 'node:assert/strict';
import { escapeHtml, escapeMarkdownCell, renderHtml, renderMarkdown, type ReportInput } from '../../../src/core/report';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)> | \`code\` [link](javascript:alert(1)) & "q" 'a'`;

function input(over: Partial<ReportInput> = {}): ReportInput {
  return {
    title: `Report ${HOSTILE}`,
    generatedAt: new Date('2026-01-02T03:04:05Z'),
    database: `u@h:5432/${HOSTILE}`,
    serverVersion: 'PostgreSQL 18.0',
    paths: ['src'],
    scanned: { files: 3, lines: 1200, sites: 9 },
    findings: [
      {
        finding: { ruleId: 'select-star', severity: 'warning', message: `SELECT * reads all columns of ${HOSTILE}`, help: `List them:\n${HOSTILE}`, span: { start: 0, end: 1 }, file: `src/${HOSTILE}.ts`, fixes: [] },
        startLine: 3, startColumn: 7, endLine: 3, endColumn: 8,
      },
    ],
    health: [{ id: 'h', title: `Bloat of ${HOSTILE}`, status: 'warning', detail: HOSTILE }],
    statements: {
      items: [{ stat: { queryid: '1', query: `SELECT * FROM "${HOSTILE}" WHERE a = $1`, calls: 10, totalMs: 50, meanMs: 5, rows: 10 }, share: 0.5, rank: 1, sites: [`src/${HOSTILE}.ts:3`] }],
      totalMs: 100,
      count: 2,
    },
    ...over,
  };
}

describe('core/report', () => {
  it('HTML: self-contained (inline CSS, no scripts, no external resources) and every string escaped', () => {
    const html = renderHtml(input());
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.doesNotMatch(html, /<script|<img|<link|<iframe|@import|url\(/i);
    assert.doesNotMatch(html, /<[^>]*\s(src|onerror)=/i);
    assert.match(html, /<style>[^<]+<\/style>/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
    // The hostile text is there, escaped, in every section.
    const escaped = escapeHtml(HOSTILE);
    for (const section of ['<title>', '<h1>', 'class="meta"', 'Bloat of', 'SELECT * FROM &quot;', 'in code:']) assert.ok(html.includes(section), section);
    assert.ok(html.split(escaped).length >= 8, 'hostile strings appear escaped in title, header, findings, health and statements');
    // No links at all: the rule docs ship with PG Lens (their path is printed), data never becomes a link.
    assert.doesNotMatch(html, /href=/);
    assert.match(html, /docs\/rules\/[a-z-]+\.md/);
  });

  it('Markdown: no raw HTML and no broken tables from data', () => {
    const md = renderMarkdown(input());
    // Every `<` of the data comes with a backslash (CommonMark: an escaped `<` opens no tag).
    assert.doesNotMatch(md, /(?<!\\)<(script|img)/i);
    assert.match(md, /\\<script\\>/);
    for (const line of md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity') && !l.startsWith('| Status') && !l.startsWith('| #'))) {
      // Unescaped pipes split cells: every row keeps its column count.
      const cells = line.replace(/\\\|/g, '').split('|').length;
      assert.ok(cells === 5 || cells === 6, `${cells} cells in: ${line}`);
    }
    assert.doesNotMatch(md, /(?<!\\)\]\(javascript:/);
    // The rule and where its page is (shipped with PG Lens), no link: the project publishes no web copy.
    assert.match(md, /\| warning \| select-star<br>docs\/rules\/select-star\.md \(in the PG Lens package\) \|/);
    assert.doesNotMatch(md, /\]\(https?:/);
  });

  it("links a rule's page to this installation's copy when the CLI has one, never data (person55 L-7: a bare docs/ path the reader's folder does not have)", () => {
    const docsAt = (page: string) => `file:///opt/pg lens/${page}`;
    const md = renderMarkdown(input({ docsAt }));
    assert.match(md, /\| warning \| select-star<br>\[docs\/rules\/select-star\.md\]\(<file:\/\/\/opt\/pg%20lens\/docs\/rules\/select-star\.md>\) \|/);
    assert.equal(md.match(/(?<!\\)\](?!\\)\(/g)?.length, 1, 'one link: the page');
    const html = renderHtml(input({ docsAt }));
    assert.equal(html.match(/href=/g)?.length, 1);
    assert.match(html, /<a href="file:\/\/\/opt\/pg lens\/docs\/rules\/select-star\.md">docs\/rules\/select-star\.md<\/a>/);
  });

  it('counts read in the singular for one (issue 20, person16 LOW 8: "1 candidates")', () => {
    const md = renderMarkdown(input({ statements: { ...input().statements!, count: 1 } }));
    assert.match(md, /\*\*1 finding\*\*/);
    assert.match(md, /of 1 statement \(/);
    assert.match(renderHtml(input({ statements: { ...input().statements!, count: 1 } })), /of 1 statement \(/);
  });

  it('says why a section is empty: no paths, no health API, no pg_stat_statements', () => {
    const r = input({ paths: [], findings: [], health: { unavailable: 'Health checks are not part of this build.' }, statements: { unavailable: 'pg_stat_statements is not available.' } });
    for (const out of [renderHtml(r), renderMarkdown(r).replace(/\\_/g, '_')]) {
      assert.match(out, /No source paths were given/);
      assert.match(out, /Health checks are not part of this build/);
      assert.match(out, /pg_stat_statements is not available/);
    }
  });

  it('security section: findings, the least-privilege script (fenced past any backticks in names) and what could not be checked, all escaped', () => {
    const security = {
      findings: [{ id: 'sensitive-column-unprotected', title: `sensitive-column-unprotected: ${HOSTILE}`, status: 'critical' as const, detail: HOSTILE }],
      roleScript: { sql: ['CREATE ROLE shop_app LOGIN;', `GRANT SELECT ON public."a\`\`\`\`b" TO shop_app;`], source: `the 2 tables the statements in ${HOSTILE} use` },
      unseen: [{ checkId: 'weak-password-encryption', what: `pg_authid ${HOSTILE}` }],
    };
    const html = renderHtml(input({ security }));
    assert.match(html, /<h2>Security<\/h2>/);
    assert.match(html, /<pre>CREATE ROLE shop_app LOGIN;\nGRANT SELECT ON public\.&quot;a````b&quot; TO shop_app;<\/pre>/);
    assert.doesNotMatch(html, /<script|<img/i);
    const md = renderMarkdown(input({ security }));
    assert.match(md, /^`````sql$/m, 'a fence longer than the four backticks in the name');
    assert.match(md, /^- weak-password-encryption: pg\\_authid \\<script\\>/m);
    const none = renderMarkdown(input({ security: { findings: [], roleScript: null, unseen: [] } }));
    assert.match(none, /No security finding\./);
    assert.match(none, /No script: give source paths/);
  });

  it('escapeMarkdownCell escapes cell breaks, code spans and markup; a line break is the cell\'s own <br> (person54 L-4: a fix\'s SQL ran into its note)', () => {
    assert.equal(escapeMarkdownCell('a|b\n`c` <d>'), 'a\\|b<br>\\`c\\` \\<d\\>');
    assert.equal(escapeMarkdownCell('x\r\ny\u2028z\rw'), 'x<br>y<br>z<br>w');
    assert.equal(escapeMarkdownCell('SELECT id FROM products WHERE id > $2 ORDER BY id LIMIT $1\n$2 = the sort key'), 'SELECT id FROM products WHERE id \\> $2 ORDER BY id LIMIT $1<br>$2 = the sort key');
    // The text's own <br> stays text.
    assert.equal(escapeMarkdownCell('<br>'), '\\<br\\>');
  });

  it("escapes for Markdown with backslashes, never HTML entities: quotes stay quotes (person52 L-3: `&\\#39;refundd&\\#39;`)", () => {
    const msg = "'refundd' is not a value status can hold: its CHECK constraint orders_status_check allows only 'paid', \"shipped\"";
    assert.equal(escapeMarkdownCell(msg), "'refundd' is not a value status can hold: its CHECK constraint orders\\_status\\_check allows only 'paid', \"shipped\"");
    // An entity or a tag in the text is shown as written, not decoded or rendered: & and < get a backslash.
    assert.equal(escapeMarkdownCell('&#39; &amp; <b>x</b>'), '\\&\\#39; \\&amp; \\<b\\>x\\</b\\>');
    const md = renderMarkdown(input());
    assert.doesNotMatch(md, /&(?:#\d+|[a-z]+);|&\\#/);
  });
});
