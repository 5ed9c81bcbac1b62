/**
 * web.py's `db.query(sql, vars=…)` (Open Library, rules-p): `$name` (and `$name.attr`) are named values, and
 * `IN $names` takes a list web.py writes out as `(a, b, c)`. Before, 163 of Open Library's statements were "not
 * analysed" (syntax error at or near "$").
 */
import * as assert from 'node:assert/strict';
import { sitesIn } from '../../../support/extractFixtures';

describe('python: web.py db.query with $name vars (rules-p: Open Library)', () => {
  it('maps $name, $name.attr and IN $list to $n; a query without vars= keeps $n as the driver\'s', async () => {
    const py = [
      'from openlibrary.core import db',
      '',
      'def ratings(username, work_id, ids):',
      '    oldb = db.get_db()',
      '    oldb.query("SELECT * from ratings where username=$username AND work_id=$work_id", vars={"username": username, "work_id": work_id})',
      '    oldb.query("SELECT * FROM data WHERE data.thing_id=$thing.id AND revision=$thing.latest_revision", vars=locals())',
      '    return oldb.query("SELECT * FROM import_item WHERE ia_id IN $ia_ids LIMIT $limit", vars={"ia_ids": ids, "limit": 10})',
      '',
    ];
    const sites = await sitesIn(py, 'openlibrary/core/ratings.py');
    assert.deepEqual(sites.map((s) => s.sql), [
      'SELECT * from ratings where username=$1 AND work_id=$2',
      'SELECT * FROM data WHERE data.thing_id=$1 AND revision=$2',
      'SELECT * FROM import_item WHERE ia_id IN ($1) LIMIT $2',
    ]);
    assert.deepEqual(sites[0].params.map((p) => p.source), ['$username', '$work_id']);
  });
});
