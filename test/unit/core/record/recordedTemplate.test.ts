/**
 * person17 (issue 20, django-locallibrary): a recorded N+1 in a Django template (book_list.html:11, genre_detail.html)
 * after "Ignore n-plus-one here…" kept its squiggle and its "N× per request: N+1" CodeLens; Scan Workspace took the
 * recorded N+1s of templates away (the scan does not read .html files) while their CodeLens still said N+1.
 */
import { strict as assert } from 'node:assert';
import { summarize } from '../../../../src/core/record/aggregate';
import { recordedAnalyzer, silencedRecordedLines } from '../../../../src/core/record/findings';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';
import { analyzeFile } from '../../../../src/core/scan';
import { ignoreComment } from '../../../../src/core/suppress';
import { analysisOf, ScanShown } from '../../../../src/core/scanShown';

const FILE = '/p17/catalog/templates/catalog/book_list.html';
const LINES = [
  '{% extends "base_generic.html" %}',
  '{% block content %}',
  '  <h1>Book List</h1>',
  '  {% if book_list %}',
  '  <ul>',
  '    {% for book in book_list %}',
  '      <li>',
  '        <a href="{{ book.get_absolute_url }}">{{ book.title }}</a>',
  '        ({{book.author}})',
  '      </li>',
  '    {% endfor %}',
  '  </ul>',
  '  {% endif %}',
  '{% endblock %}',
];
const TEXT = LINES.join('\n');

function q(sql: string, unit: string, line: number): QueryEvent {
  return { v: 1, t: 'q', lib: 'psycopg2', sql, pc: 0, pt: [], ms: 2, rows: 1, u: { k: 'request', id: unit, n: 'GET /catalog/books/' }, ts: 0, pid: 1, site: { file: FILE, line, col: 9, via: 'django' } };
}

describe('recorded N+1 in a template: the suppression step and the scan', () => {
  before(() => loadPgParser());
  const events: QueryEvent[] = [];
  for (const unit of ['r1', 'r2']) {
    events.push(q('SELECT id, title, author_id FROM catalog_book ORDER BY title LIMIT 10', unit, 4));
    for (let i = 0; i < 10; i++) events.push(q(`SELECT * FROM catalog_author WHERE id = ${i}`, unit, 9));
  }
  const state = () => ({ summary: summarize(events, normalizeSql, { threshold: 5 }), advice: new Map() });

  for (const language of ['django-html', 'html', 'jinja']) {
    it(`"Ignore n-plus-one here" (${language}): the finding goes through applySuppressions, and the lens line says no N+1`, async () => {
      const before = await analyzeFile({ path: FILE, text: TEXT, editing: true }, { analyzers: [recordedAnalyzer(state)], extract: async () => ({ sites: [] }) });
      assert.equal(before.findings.filter((f) => f.ruleId === 'n-plus-one').length, 1);
      assert.deepEqual([...silencedRecordedLines(state(), FILE, TEXT)], []);
      // The comment "Ignore here" inserts above line 9; the recording still names line 9 (now the comment's own line).
      const ignored = [...LINES.slice(0, 8), `        ${ignoreComment(language, 'n-plus-one', 'genre pages are admin-only')}`, ...LINES.slice(8)].join('\n');
      const after = await analyzeFile({ path: FILE, text: ignored, editing: true }, { analyzers: [recordedAnalyzer(state)], extract: async () => ({ sites: [] }) });
      assert.deepEqual(after.findings.filter((f) => f.ruleId === 'n-plus-one'), []);
      assert.deepEqual([...silencedRecordedLines(state(), FILE, ignored)], [9]);
    });
  }

  it('the rule set to off: no lens N+1 either', () => {
    assert.deepEqual([...silencedRecordedLines(state(), FILE, TEXT, { 'n-plus-one': 'off' })], [9]);
  });

  it('a template is analysed by the recording\'s analyzers, open or closed; a scan reads it only when it reads its kind of file', () => {
    assert.equal(analysisOf({ editorLanguage: false, open: true, readByScan: false }, { scanRan: true, outliving: true }), 'outliving');
    assert.equal(analysisOf({ editorLanguage: false, open: false, readByScan: false }, { scanRan: true, outliving: true }), 'outliving');
    assert.equal(analysisOf({ editorLanguage: false, open: true, readByScan: true }, { scanRan: true, outliving: true }), 'all');
    assert.equal(analysisOf({ editorLanguage: true, open: true, readByScan: true }, { scanRan: false, outliving: false }), 'all');
    assert.equal(analysisOf({ editorLanguage: false, open: false, readByScan: true }, { scanRan: false, outliving: true }), 'outliving');
    assert.equal(analysisOf({ editorLanguage: false, open: true, readByScan: false }, { scanRan: false, outliving: false }), 'none');
  });

  it('a background tab VS Code has not loaded (the window reopened) is analysed from its file with every analyzer when it is a source file, with no scan run (person38 L6)', () => {
    assert.equal(analysisOf({ editorLanguage: false, open: false, readByScan: true, inTab: true }, { scanRan: false, outliving: true }), 'all');
    assert.equal(analysisOf({ editorLanguage: false, open: false, readByScan: true, inTab: true }, { scanRan: false, outliving: false }), 'all');
    assert.equal(analysisOf({ editorLanguage: false, open: false, readByScan: false, inTab: true }, { scanRan: false, outliving: true }), 'outliving');
    assert.equal(analysisOf({ editorLanguage: false, open: false, readByScan: true, inTab: false }, { scanRan: false, outliving: true }), 'outliving');
  });

  it('Scan Workspace replaces static findings only: a file it does not read keeps its recorded findings until they are checked again', () => {
    const shown = new Map<string, string[]>([['views.py', ['static']], ['book_list.html', ['recorded N+1']], ['gone.py', ['static']]]);
    const keep = new ScanShown<string[]>();
    keep.start(shown, (k) => k === 'book_list.html');
    keep.reach('views.py');
    const { drop, recheck, restore } = keep.end({ finished: true });
    assert.deepEqual(drop, ['gone.py']);
    assert.deepEqual(recheck, ['book_list.html']);
    assert.deepEqual(restore, []);
  });
});
