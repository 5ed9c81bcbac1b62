/**
 * person55 L-6: `pg-lens advise --file orm/orders.ts` (six Sequelize calls, no SQL text) printed nothing and exited 0. It
 * says in one line that the file holds no SQL statement and how an ORM's statements are advised on (a recording) — before
 * any connection is made, so no database is needed here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli';

describe('cli: advise on a file without SQL says why there is no advice (person55 L-6)', () => {
  it('an ORM file: one line naming the file and the recording that would give its statements', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglens-advise-'));
    try {
      fs.mkdirSync(path.join(dir, 'orm'));
      fs.writeFileSync(path.join(dir, 'orm', 'orders.ts'), "import { Order } from './models';\nexport const refunded = () => Order.findAll({ where: { status: 'refunded' }, order: [['placedAt', 'DESC']] });\n");
      const r = await runCli(['advise', '--file', 'orm/orders.ts'], { cwd: dir });
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out.split('\n').length, 1, r.out);
      assert.match(r.out, /^No SQL statement found in orm\/orders\.ts: nothing to advise on\. .*record them \(pg-lens record -- .*\) and give the recording with --recording\.$/);
      // At a line, a usage error as before (the line named has no statement).
      const at = await runCli(['advise', '--file', 'orm/orders.ts', '--line', '2'], { cwd: dir });
      assert.equal(at.code, 2);
      assert.match(at.err.split('\n')[0], /no SQL found in orm\/orders\.ts/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
