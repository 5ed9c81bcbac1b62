/** N+1 through the app's own layers: a loop calls a function of another file whose body queries. */
import { strict as assert } from 'node:assert';
import { scanFiles } from '../../../../src/core/scan';
import { nPlusOneAnalyzer } from '../../../../src/core/nplusone/analyzer';
import { useTreeSitterFromNodeModules } from '../../support/treeSitter';

const repo = [
  'from sqlalchemy import select',
  'from sqlalchemy.ext.asyncio import AsyncSession',
  '',
  'class CustomerRepository:',
  '    async def fetch_customer(self, session: AsyncSession, customer_id):',
  '        return await session.scalar(select(Customer).where(Customer.id == customer_id))',
  '',
  '    async def customer_label(self, session, customer_id):',
  '        c = await self.fetch_customer(session, customer_id)',
  '        return c.name',
  '',
  'def render_label(name):',
  '    return name.upper()',
  '',
].join('\n');

const service = [
  'from app.repository import CustomerRepository',
  '',
  'repository = CustomerRepository()',
  '',
  'async def labels(session, ids):',
  '    out = []',
  '    for customer_id in ids:',
  '        out.append(await repository.customer_label(session, customer_id))',
  '        out.append(render_label(str(customer_id)))',
  '    return out',
  '',
].join('\n');

async function scan(files: Record<string, string>) {
  const r = await scanFiles(Object.entries(files).map(([path, text]) => ({ path, text })), { analyzers: [nPlusOneAnalyzer()], keepText: true });
  return r.findings.map((f) => ({ file: f.file, line: files[f.file!].slice(0, f.span.start).split('\n').length, message: f.message, severity: f.severity }));
}

describe('core/nplusone across files', () => {
  before(() => useTreeSitterFromNodeModules());

  it('reports a loop calling a method of another file that queries, transitively', async () => {
    const got = await scan({ 'app/repository.py': repo, 'app/service.py': service });
    assert.equal(got.length, 1, JSON.stringify(got));
    assert.equal(got[0].file, 'app/service.py');
    assert.equal(got[0].line, 8);
    assert.match(got[0].message, /`repository\.customer_label\(\)` reaches the database \(`customer_label` in app\/repository\.py:8\)/);
  });

  it('does not guess when another definition of the name does not query', async () => {
    const other = 'class Cache:\n    async def customer_label(self, session, customer_id):\n        return str(customer_id)\n';
    assert.deepEqual(await scan({ 'app/repository.py': repo, 'app/service.py': service, 'app/cache.py': other }), []);
  });

  it('applies the context of the calling file (a script loop is info)', async () => {
    const got = await scan({ 'app/repository.py': repo, 'scripts/backfill.py': service });
    assert.equal(got.length, 1);
    assert.equal(got[0].severity, 'info');
  });
});

describe('core/nplusone across files: what is not followed', () => {
  before(() => useTreeSitterFromNodeModules());

  it('ignores functions defined in tests, and Ruby attribute reads without arguments', async () => {
    const r = await scanFiles([
      { path: 'e2e/helpers.spec.ts', text: "import { prisma } from '@documenso/prisma';\nexport async function documentByToken(token: string) { return prisma.document.findFirst({ where: { token } }); }\n" },
      { path: 'src/sign.ts', text: "import { documentByToken } from './x';\nexport async function signAll(tokens: string[]) {\n  for (const t of tokens) await documentByToken(t);\n}\n" },
      { path: 'app/models/processor.rb', text: 'class Processor\n  def merchant\n    Merchant.find_by(id: 1)\n  end\nend\n' },
      { path: 'app/models/report.rb', text: 'class Report\n  def names(txns)\n    txns.map { |txn| txn.merchant }\n  end\nend\n' },
    ], { analyzers: [nPlusOneAnalyzer()], keepText: true });
    assert.deepEqual(r.findings.filter((f) => (f.evidence as any)?.library === 'app'), []);
  });
});
