import { strict as assert } from 'node:assert';
import { requestGroupName, requestRoute, type QueryEvent } from '../../../../src/core/record/protocol';
import { groupByUnit } from '../../../../src/core/record/aggregate';

describe('core/record: requests are grouped by route, never one group per id in the URL (person15: Traduora, one group per UUID)', () => {
  it('a path\'s instance segments become :id — numbers, UUIDs, hex ids, long tokens — the query and fragment dropped, the method kept', () => {
    assert.equal(requestRoute('GET', '/api/v1/projects/0f8fad5b-d9cb-469f-a165-70867728950e/terms?limit=10'), 'GET /api/v1/projects/:id/terms');
    assert.equal(requestRoute('DELETE', '/orders/12345/items/7'), 'DELETE /orders/:id/items/:id');
    assert.equal(requestRoute('GET', '/users/507f1f77bcf86cd799439011'), 'GET /users/:id');
    assert.equal(requestRoute('POST', '/auth/reset/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123'), 'POST /auth/reset/:id');
    assert.equal(requestRoute('GET', '/files/a1b2c3d4e5f6#top'), 'GET /files/:id');
  });
  it('words, short slugs, route patterns and the root stay as they are', () => {
    assert.equal(requestRoute('GET', '/projects/:projectId/terms'), 'GET /projects/:projectId/terms');
    assert.equal(requestRoute('GET', '/api/v1/locales'), 'GET /api/v1/locales');
    assert.equal(requestRoute('GET', '/blog/how-to-index-postgres'), 'GET /blog/how-to-index-postgres');
    assert.equal(requestRoute('GET', '/accepted/deadline'), 'GET /accepted/deadline');
    assert.equal(requestRoute('GET', '/'), 'GET /');
    assert.equal(requestRoute('GET', '/v2/items'), 'GET /v2/items');
  });
  it('a name a capture sent with raw ids ("GET /p/123") groups as its route; a test\'s title is left alone', () => {
    assert.equal(requestGroupName('GET /projects/5/terms'), 'GET /projects/:id/terms');
    assert.equal(requestGroupName('orders › lists 12345 orders'), 'orders › lists 12345 orders');
  });
  it('Recorded Queries: requests to two projects are one group with two instances', () => {
    const ev = (id: string, n: string): QueryEvent => ({ v: 1, t: 'q', lib: 'pg', sql: 'SELECT * FROM term WHERE project_id = $1', pc: 1, pt: ['string'], ms: 1, rows: 3, site: { file: '/app/src/terms.ts', line: 12, col: 5 }, u: { k: 'request', id, n }, ts: 0, pid: 1 });
    const groups = groupByUnit([
      ev('r1', 'GET /api/v1/projects/0f8fad5b-d9cb-469f-a165-70867728950e/terms'),
      ev('r2', 'GET /api/v1/projects/7c9e6679-7425-40de-944b-e07fc1f90ae7/terms'),
      ev('r3', 'GET /api/v1/projects/5/terms'),
    ], (s) => s);
    assert.deepEqual(groups.map((g) => [g.name, g.instances, g.calls]), [['GET /api/v1/projects/:id/terms', 3, 3]]);
  });
});
