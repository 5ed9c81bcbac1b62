/**
 * Query text sent to another system over HTTP (a CRM's query language, a search API) is not a statement
 * the app runs on PostgreSQL (issue 14, held-out-i: an integration's `params = { query: 'SELECT * FROM
 * Assets' }` handed to `$.http.get` drew select-star at info).
 */
import { strict as assert } from 'node:assert';
import { sitesIn } from '../../support/extractFixtures';

describe('core/extract: query text sent over HTTP', () => {
  it('JS: a request parameter holding SELECT text (in the call, or in an object handed to it later) is not a site; the same text given to a driver is', async () => {
    const js = [
      'export async function listAssets($, pool) {',
      '  const params = {',
      "    operation: 'query',",
      "    query: 'SELECT * FROM Assets ORDER BY createdtime DESC;',",
      '  };',
      "  const { data } = await $.http.get('/webservice.php', { params });",
      "  await axios.post('/search', { q: 'SELECT name FROM Contacts WHERE id = 1' });",
      "  const rows = await pool.query('SELECT * FROM assets ORDER BY created_at DESC');",
      '  const local = {',
      "    text: 'SELECT id FROM users WHERE email = $1',",
      '  };',
      '  return [data, rows, local];',
      '}',
      '',
    ];
    const sites = await sitesIn(js, 'src/apps/crm/list-assets.js');
    assert.deepEqual(sites.map((s) => s.sql.trim()), ['SELECT * FROM assets ORDER BY created_at DESC', 'SELECT id FROM users WHERE email = $1']);
  });

  it('Python: a query in the params of requests.get is not a site', async () => {
    const py = [
      'import requests',
      '',
      'def search(base):',
      '    params = {"query": "SELECT name FROM Contacts WHERE active = true"}',
      '    return requests.get(base + "/api", params=params).json()',
      '',
    ];
    assert.deepEqual(await sitesIn(py, 'crm/search.py'), []);
  });
});
