/**
 * Issue 20, person45 L7: a Sequelize hasMany getter called on each row a findAll just loaded
 * (`order.items = await order.getItems({ order: [['id', 'ASC']] })` in `for (const order of orders)`) is offered
 * "Show the batched rewrite": the finder includes the association with `separate: true` and the getter's options, and
 * the loop's other statements read `order.items`. Every name comes from the code; anything the include would not keep
 * (a getter option of the item, a result bound to a local, a parent query the rewrite cannot name) keeps the text fix.
 * (The db test test/db/examples/nplusoneOrmRewrite.test.ts runs the rewrite through Sequelize.)
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne, type ScanFile } from '../../support/nplusoneFixtures';
import type { Rewrite } from '../../../../src/core/nplusone/rewrites';

const models: ScanFile = {
  path: 'src/db/models.ts',
  text: [
    "import { DataTypes, Model, Sequelize } from 'sequelize';",
    'export class Invoice extends Model {}',
    'export class Line extends Model {}',
    'export function init(sequelize: Sequelize): void {',
    '  Invoice.init({ number: DataTypes.TEXT }, { sequelize, tableName: "invoices" });',
    '  Line.init({ amount: DataTypes.INTEGER, invoiceId: DataTypes.BIGINT }, { sequelize, tableName: "lines" });',
    "  Invoice.hasMany(Line, { as: 'lines', foreignKey: 'invoiceId' });",
    '}',
  ],
};

/** The loop's file: `body` is the function's code, at two spaces. */
function billing(body: string[]): ScanFile {
  return { path: 'src/billing.ts', text: ["import { Invoice } from './db/models';", '', 'export async function openInvoices(customerId: number, seen: number[]) {', ...body, '}'] };
}

async function finding(body: string[], model = models) {
  const f = (await scanNPlusOne([model, billing(body)])).find((x) => x.file === 'src/billing.ts');
  assert.ok(f, 'an N+1 finding in the loop');
  const fix = f.fixes?.find((x) => /^Show the batched rewrite/.test(x.title));
  return { f, rewrite: fix?.command?.args?.[0] as Rewrite | undefined, titles: (f.fixes ?? []).map((x) => x.title) };
}

const LOOP = [
  "  const invoices = await Invoice.findAll({ where: { customerId, status: 'open' }, order: [['id', 'DESC']] });",
  '  for (const invoice of invoices) {',
  "    invoice.lines = await invoice.getLines({ where: { void: false }, order: [['amount', 'DESC']] }); // newest first",
  '    seen.push(invoice.lines.length);',
  '  }',
  '  return invoices;',
];

describe('N+1: the Sequelize include rewrite of a getter per row (issue 20, person45 L7)', () => {
  it('offers "Show the batched rewrite": the finder includes the association (separate: true, the getter\'s options), the loop reads the property', async () => {
    const { f, rewrite, titles } = await finding(LOOP);
    assert.ok(rewrite, `a rewrite is offered: ${titles.join(' | ')}`);
    assert.equal(rewrite.title, 'Eager-load lines with include (Sequelize, separate: true)');
    assert.equal(rewrite.language, 'typescript');
    assert.equal(rewrite.indent, '  ');
    const code = rewrite.code.split('\n').filter((l) => !l.trim().startsWith('//'));
    assert.deepEqual(code, [
      "  const invoices = await Invoice.findAll({ where: { customerId, status: 'open' }, order: [['id', 'DESC']], include: [{ association: 'lines', separate: true, where: { void: false }, order: [['amount', 'DESC']] }] });",
      '  for (const invoice of invoices) {',
      '    seen.push(invoice.lines.length);',
      '  }',
    ]);
    assert.match(rewrite.code, /toJSON\(\) \(JSON\.stringify, res\.json\) of each invoice now includes lines/);
    assert.match(f.help ?? '', /^Load the lines with the invoices: add include: \[\{ association: 'lines', separate: true, where: \{ void: false \}, order: \[\['amount', 'DESC'\]\] \}\] to Invoice\.findAll/);
    assert.deepEqual(titles.slice(-1), ['Ignore this N+1 here (pg-lens-ignore comment)']);
  });

  it('a loop that only set the property goes; a findAll() without options gets one', async () => {
    const { rewrite } = await finding(['  const invoices = await Invoice.findAll();', '  for (const invoice of invoices) {', '    invoice.lines = await invoice.getLines();', '  }', '  return invoices;']);
    assert.ok(rewrite);
    assert.deepEqual(rewrite.code.split('\n').filter((l) => !l.trim().startsWith('//')), ["  const invoices = await Invoice.findAll({ include: [{ association: 'lines', separate: true }] });"]);
  });

  it('options written over several lines: the include on a line of its own, at their indentation', async () => {
    const { rewrite } = await finding(['  const invoices = await Invoice.findAll({', '    where: { customerId },', '    limit: 10', '  });', ...LOOP.slice(1)]);
    assert.ok(rewrite);
    assert.deepEqual(rewrite.code.split('\n').filter((l) => !l.trim().startsWith('//')).slice(0, 5), [
      '  const invoices = await Invoice.findAll({',
      '    where: { customerId },',
      '    limit: 10,',
      "    include: [{ association: 'lines', separate: true, where: { void: false }, order: [['amount', 'DESC']] }],",
      '  });',
    ]);
  });

  for (const [why, body] of [
    ["the getter's option uses the item", LOOP.map((l) => l.replace('where: { void: false }', 'where: { currency: invoice.currency }'))],
    ["the getter's option is a name the loop declares", [LOOP[0], LOOP[1], '    const where = { void: false };', '    invoice.lines = await invoice.getLines({ where });', ...LOOP.slice(3)]],
    ['the result is bound to a local (the include would set a property the loop never set)', [LOOP[0], LOOP[1], "    const lines = await invoice.getLines({ order: [['amount', 'DESC']] });", '    seen.push(lines.length);', ...LOOP.slice(4)]],
    ['the parent query selects attributes', [LOOP[0].replace("order: [['id', 'DESC']]", "attributes: ['id']"), ...LOOP.slice(1)]],
    ['the parent options are a variable', ['  const opts = { where: { customerId } };', '  const invoices = await Invoice.findAll(opts);', ...LOOP.slice(1)]],
    ['the loop walks a parameter, not a query of this code', ['  const invoices = await Promise.resolve(seen as unknown as Invoice[]);', ...LOOP.slice(1)]],
    ['the loop reads the property before the getter sets it', [LOOP[0], LOOP[1], '    if (invoice.lines) continue;', ...LOOP.slice(2)]],
  ] as [string, string[]][]) {
    it(`keeps the text fix only when ${why}`, async () => {
      const { f, rewrite } = await finding(body);
      assert.equal(rewrite, undefined, rewrite?.code);
      assert.match(f.help ?? '', /include: \[\{ model: Line, as: 'lines' \}\]/);
    });
  }

  it("keeps the text fix only when the association declares no `as` (Sequelize's own inflection would name it, not the code)", async () => {
    const plain = { ...models, text: (models.text as string[]).map((l) => l.replace("{ as: 'lines', foreignKey: 'invoiceId' }", "{ foreignKey: 'invoiceId' }")) };
    const { f, rewrite } = await finding([LOOP[0], LOOP[1], '    invoice.Lines = await invoice.getLines();', ...LOOP.slice(3)], plain);
    assert.equal(rewrite, undefined, rewrite?.code);
    assert.match(f.help ?? '', /include: \[\{ model: Line \}\]/);
  });
});
