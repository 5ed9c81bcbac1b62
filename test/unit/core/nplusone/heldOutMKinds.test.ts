/**
 * Kinds seen on the ninth session's held-out apps (issue 14, held-out-m: a TypeScript monorepo on
 * Drizzle with BullMQ jobs, a Rails app with service objects and jobs, a Go file server on ent),
 * one small synthetic fixture per kind.
 */
import { expectNPlusOne, expectNPlusOneInScan } from '../../support/nplusoneFixtures';

describe('core/nplusone kinds seen on held-out-m', () => {
  it('TS: a query function taking `(db, params)` and destructuring `const { id, shopId } = params` queries by the values the loop varies (not the same look-up each time)', async () => {
    const queries = {
      path: 'packages/store/src/queries/orders.ts',
      text: [
        'import { and, eq } from "drizzle-orm";',
        'import { orders } from "../schema";',
        '',
        'export async function markOrderShipped(db: Database, params: { id: string; shopId: string }) {',
        '  const { id, shopId: shop } = params;',
        '  const [row] = await db.update(orders).set({ shippedAt: new Date().toISOString() }).where(and(eq(orders.id, id), eq(orders.shopId, shop))).returning();',
        '  return row;',
        '}',
        '',
        'export async function getShop(db: Database, params: { shopId: string }) {',
        '  const { shopId } = params;',
        '  return db.query.shops.findFirst({ where: eq(shops.id, shopId) });',
        '}',
        '',
      ],
    };
    const job = {
      path: 'apps/worker/src/jobs/ship.ts',
      text: [
        'import { getShop, markOrderShipped } from "@acme/store/queries";',
        '',
        'export async function shipAll(db: Database, shopId: string, pending: { id: string }[]) {',
        '  for (const order of pending) {',
        '    await markOrderShipped(db, { id: order.id, shopId });',
        '    const shop = await getShop(db, { shopId });',
        '  }',
        '}',
        '',
      ],
    };
    // The shop look-up gets the same shopId every time: a repeated look-up to hoist, not one per item.
    await expectNPlusOneInScan([queries, job], ['apps/worker/src/jobs/ship.ts:5']);
  });

  it('Ruby: a one-word method called on an object (`node.next`, `e.message`) is not the app\'s model method of that name; a multi-word one still is', async () => {
    const version = {
      path: 'app/models/page_version.rb',
      text: [
        'class PageVersion < ApplicationRecord',
        '  belongs_to :page',
        '  def next',
        '    @next ||= PageVersion.where("id > ?", id).order(:id).first',
        '  end',
        '  def self.lookup_for_name(name)',
        '    PageVersion.where(title: name).first',
        '  end',
        'end',
        '',
      ],
    };
    const converter = {
      path: 'app/logical/html_text.rb',
      text: [
        'module HtmlText',
        '  def self.convert_node(node)',
        '    return "" if node.nil?',
        '    node.next.present? ? node.text + "\\n" : node.text',
        '  end',
        '',
        '  def self.convert(html)',
        '    html.children.map { |child| convert_node(child) }.join',
        '  end',
        '',
        '  def self.titles(names)',
        '    names.map { |n| PageVersion.lookup_for_name(n) }',
        '  end',
        'end',
        '',
      ],
    };
    await expectNPlusOneInScan([version, converter], ['app/logical/html_text.rb:12']);
  });
});

void expectNPlusOne;
