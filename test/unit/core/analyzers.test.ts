/** One list of analyzers for the CLI and the editor: what `pg-lens scan` reports, the editor reports. */
import * as assert from 'node:assert/strict';
import { codeAnalyzers } from '../../../src/core/analyzers';
import { scanFiles } from '../../../src/core/scan';

describe('core/analyzers: codeAnalyzers', () => {
  it('reports ORM offset pagination, a SQL rule and an N+1 in one scan (the editor ran no ORM analyzer: umami\'s pagedQuery was a CLI-only warning)', async () => {
    const paged = 'async function pagedQuery(client: any, model: string, criteria: any, size: number, page: number) {\n  return client[model].findMany({\n    ...criteria,\n    ...{\n      ...(size > 0 && { take: +size, skip: +size * (+page - 1) }),\n    },\n  });\n}\n';
    const loop = 'async function f(db: any, ids: number[]) {\n  for (const id of ids) {\n    await db.query(\'INSERT INTO t_log SELECT * FROM t WHERE id = $1\', [id]);\n  }\n}\n';
    const r = await scanFiles([{ path: 'src/lib/prisma.ts', text: paged }, { path: 'src/loop.ts', text: loop }], { analyzers: codeAnalyzers({}) });
    const ids = r.findings.map((f) => `${f.file}:${f.ruleId}`).sort();
    assert.ok(ids.includes('src/lib/prisma.ts:offset-pagination'), ids.join(', '));
    assert.ok(ids.includes('src/loop.ts:n-plus-one'), ids.join(', '));
    assert.ok(ids.includes('src/loop.ts:select-star'), ids.join(', '));
  });
});
