import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { runCli } from '../support/cli';
import { FIXTURE_DIR } from '../support/nplusoneFixtures';

const run = (args: string[]) => runCli(args, { cwd: FIXTURE_DIR });

describe('cli pg-lens n-plus-one', () => {
  it('prints file:line:column findings with the fix, and exits 1 when there are findings', async () => {
    const r = await run(['n-plus-one', 'typescript/prisma.ts']);
    assert.equal(r.code, 1);
    assert.match(r.out, /^typescript\/prisma\.ts:8:25 {2}warning {2}n-plus-one {2}N\+1 query: `prisma\.user\.findUnique` runs once per `post` in `posts` \(up to 20 iterations: take: 20\)/m);
    assert.match(r.out, /fix \(prisma\): Batch with where: \{ id: \{ in: ids \} \}/);
    assert.match(r.out, /5 N\+1 findings in 1 file$/);
  });

  it('walks folders and prints JSON', async () => {
    const r = await run(['n-plus-one', 'go', '--format', 'json']);
    const list = JSON.parse(r.out) as { file: string; line: number; ruleId: string; evidence: { library: string } }[];
    assert.ok(list.length >= 9);
    assert.ok(list.every((x) => x.ruleId === 'n-plus-one' && x.file.startsWith(`go${path.sep}`)));
    assert.deepEqual([...new Set(list.map((x) => x.evidence.library))].sort(), ['database/sql', 'gorm', 'pgx']);
  });

  it('exits 0 on clean code and 2 on bad input, with one line', async () => {
    assert.equal((await run(['n-plus-one', 'python/unrelated.py'])).code, 0);
    const bad = await run(['n-plus-one', 'missing-folder']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /no such file or folder: missing-folder/);
    assert.equal((await run(['n-plus-one', 'go', '--format', 'sarif'])).code, 2);
  });
});
