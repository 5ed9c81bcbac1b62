/**
 * Kinds the twelve N+1 splits held-out-ad…aw showed (n1bj, session 51): code reached only from test, dev-server or seed
 * callers taken for request code; a request-scoped cache taken for a query; fixed sets declared elsewhere; a page's rows
 * built in a callback another file's helper calls per row. Each test failed before its fix (main 45ec4e88); the controls
 * keep what must stay as it was.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1bj51', () => {
  // An initial-data loader: a service of the app that inserts each entry of a data file.
  const loader: ScanFile = {
    path: 'packages/core/src/data-import/providers/loader/loader.ts',
    text: [
      "import { Pool } from 'pg';",
      '',
      'export class Loader {',
      '    constructor(private pool: Pool) {}',
      '',
      '    async loadInitialData(data: { countries: string[] }) {',
      '        for (const country of data.countries) {',
      "            await this.pool.query('insert into country (code) values ($1)', [country]);",
      '        }',
      '    }',
      '}',
      '',
    ],
  };
  // The command-line populate program (a seed by its name) that runs the loader once.
  const cli: ScanFile = {
    path: 'packages/core/src/cli/populate.ts',
    text: [
      "import { Loader } from '../data-import/providers/loader/loader';",
      '',
      'export async function loadInitialData(app: any, data: { countries: string[] }) {',
      '    const loader = app.get(Loader);',
      '    await loader.loadInitialData(data);',
      '}',
      '',
    ],
  };
  // A dev-server test plugin's GraphQL resolver that hands the loader a request (to reproduce an issue by hand).
  const devPlugin: ScanFile = {
    path: 'packages/dev-server/test-plugins/issue-77/api/stock.resolver.ts',
    text: [
      "import { Loader } from '../../../../core/src/data-import/providers/loader/loader';",
      '',
      'export class StockResolver {',
      '    constructor(private loader: Loader) {}',
      '',
      '    async createTestData(ctx: unknown) {',
      "        await this.loader.loadInitialData({ countries: ['AT', 'DE'] });",
      '    }',
      '}',
      '',
    ],
  };
  const loaderLines = (lines: string[]) => lines.filter((l) => l.includes('loader.ts'));

  it('TS: code reached only from a seed program and a dev-server test plugin is not request code', async () => {
    assert.deepEqual(loaderLines(await scanLines([loader, cli, devPlugin])), ['packages/core/src/data-import/providers/loader/loader.ts:8 info']);
  });

  it('control: the same loader called by the app\'s own resolver is still request code', async () => {
    const resolver: ScanFile = {
      path: 'packages/core/src/api/resolvers/admin/import.resolver.ts',
      text: [
        "import { Loader } from '../../../data-import/providers/loader/loader';",
        '',
        'export class ImportResolver {',
        '    constructor(private loader: Loader) {}',
        '',
        '    async importCountries(args: { countries: string[] }) {',
        '        await this.loader.loadInitialData({ countries: args.countries });',
        '    }',
        '}',
        '',
      ],
    };
    assert.deepEqual(loaderLines(await scanLines([loader, cli, devPlugin, resolver])), ['packages/core/src/data-import/providers/loader/loader.ts:8 warning']);
  });

  // A request-scoped memo of definitions: each GraphQL context carries a new Map; the first resolver of a request
  // queries, the others await the same promise.
  const definitions: ScanFile = {
    path: 'packages/shop/src/lib/labels/definitions.ts',
    text: [
      "import { Pool } from 'pg';",
      '',
      'const pool = new Pool();',
      '',
      'export async function listLabelDefinitions(ownerType: string) {',
      "    const res = await pool.query('select * from label_definition where owner_type = $1', [ownerType]);",
      '    return res.rows;',
      '}',
      '',
    ],
  };
  const memo = (body: string[]): ScanFile => ({
    path: 'packages/shop/src/lib/labels/cached.ts',
    text: [
      "import { listLabelDefinitions } from './definitions';",
      '',
      'export type DefinitionCache = Map<string, Promise<unknown[]>>;',
      'export interface ResolverContext { labelCache?: DefinitionCache }',
      '',
      'export function listDefinitionsCached(ownerType: string, cache?: DefinitionCache) {',
      ...body,
      '}',
      '',
      'export async function shapeLabels(data: Record<string, unknown>, ownerType: string, opts: { cache?: DefinitionCache }) {',
      '    const defs = await listDefinitionsCached(ownerType, opts.cache);',
      '    return defs.map((d: any) => ({ key: d.key, value: data[d.key] ?? null }));',
      '}',
      '',
    ],
  });
  const resolvers: ScanFile = {
    path: 'packages/shop/src/modules/catalog/graphql/types/Product/ProductLabels.resolvers.ts',
    text: [
      "import type { GraphQLResolveInfo } from 'graphql';",
      "import { shapeLabels } from '../../../../../lib/labels/cached.js';",
      '',
      'type ProductParent = { ownerType: string; metaData?: Record<string, unknown> };',
      '',
      'export default {',
      '  Product: {',
      '    labels: (',
      '      parent: ProductParent,',
      '      { namespace }: { namespace?: string },',
      '      { user, labelCache }: ResolverContext,',
      '      _info: GraphQLResolveInfo',
      '    ) =>',
      '      shapeLabels(parent.metaData ?? {}, parent.ownerType, { cache: labelCache })',
      '  }',
      '};',
      '',
    ],
  };
  const resolverLines = (lines: string[]) => lines.filter((l) => l.includes('resolvers.ts'));
  const getOrSet = [
    '    if (!cache) return listLabelDefinitions(ownerType);',
    '    let promise = cache.get(ownerType);',
    '    if (!promise) {',
    '        promise = listLabelDefinitions(ownerType);',
    '        cache.set(ownerType, promise);',
    '    }',
    '    return promise;',
  ];

  it('TS: a field resolver reading through a get-or-set memo of a request-scoped Map queries once per key, not per parent', async () => {
    assert.deepEqual(resolverLines(await scanLines([definitions, memo(getOrSet), resolvers])), []);
  });

  it('control: the same function that queries on every call, though it counts calls in a Map, still queries per parent', async () => {
    const counting = [
      '    const seen = cache?.get(ownerType);',
      '    cache?.set(ownerType, seen as any);',
      '    return listLabelDefinitions(ownerType);',
    ];
    assert.deepEqual(resolverLines(await scanLines([definitions, memo(counting), resolvers])), ['packages/shop/src/modules/catalog/graphql/types/Product/ProductLabels.resolvers.ts:14 warning']);
  });

  // A service running the hooks of the processes the app's configuration declares (a plugin adds one or two).
  const hooks = (declared: string, iterable = 'processes'): ScanFile => ({
    path: 'packages/core/src/service/helpers/shipment-machine/shipment-machine.ts',
    text: [
      "import { HookRunner } from '../hook-runner';",
      '',
      'export class ShipmentMachine {',
      '    constructor(private configService: any, private hookRunner: HookRunner, private shipmentService: any) {}',
      '',
      '    async init(ctx: any, input: any) {',
      `        const processes = ${declared};`,
      '        return {',
      '            onTransitionEnd: async (from: string, to: string) => {',
      `                for (const process of ${iterable}) {`,
      '                    await this.hookRunner.recordTransition(ctx, process.code, from, to);',
      '                }',
      '            },',
      '        };',
      '    }',
      '}',
      '',
    ],
  });
  const runner: ScanFile = {
    path: 'packages/core/src/service/helpers/hook-runner.ts',
    text: [
      "import { Pool } from 'pg';",
      '',
      'export class HookRunner {',
      '    constructor(private pool: Pool) {}',
      '    async recordTransition(ctx: unknown, code: string, from: string, to: string) {',
      "        await this.pool.query('insert into hook_log (code, from_state, to_state) values ($1, $2, $3)', [code, from, to]);",
      '    }',
      '}',
      '',
    ],
  };
  const hookLines = (lines: string[]) => lines.filter((l) => l.includes('shipment-machine.ts'));

  it('TS: a loop over what the app\'s configuration declares (its config service\'s members, spread together) is a declared set', async () => {
    const custom = 'this.configService.shippingOptions.customProcess ?? []';
    assert.deepEqual(hookLines(await scanLines([hooks(`[...(${custom}), ...(this.configService.shippingOptions.process ?? [])]`), runner])), ['packages/core/src/service/helpers/shipment-machine/shipment-machine.ts:11 info']);
    // A local bound to a member, spread beside another member.
    assert.deepEqual(hookLines(await scanLines([hooks(`${custom};\n        const all = [...processes, ...(this.configService.shippingOptions.process ?? [])]`, 'all'), runner])), ['packages/core/src/service/helpers/shipment-machine/shipment-machine.ts:12 info']);
    assert.deepEqual(hookLines(await scanLines([hooks('this.configService.customFields[\n            input.entityName as keyof Fields\n        ].filter((f: any) => f.type === \'relation\')'), runner])), ['packages/core/src/service/helpers/shipment-machine/shipment-machine.ts:13 info']);
  });

  it('control: a loop over the request\'s items or the rows of a query stays a warning', async () => {
    assert.deepEqual(hookLines(await scanLines([hooks('input.processes ?? []'), runner])), ['packages/core/src/service/helpers/shipment-machine/shipment-machine.ts:11 warning']);
    assert.deepEqual(hookLines(await scanLines([hooks('await this.shipmentService.findAll(ctx)'), runner])), ['packages/core/src/service/helpers/shipment-machine/shipment-machine.ts:11 warning']);
  });

  // A JAX-RS base class whose helper streams a page, building each row with the function it is handed.
  const base = (perRow: boolean): ScanFile => ({
    path: 'api/src/main/java/org/shop/api/resources/ResourceBase.java',
    text: [
      'package org.shop.api.resources;',
      '',
      'import java.util.Iterator;',
      'import java.util.List;',
      'import java.util.function.Function;',
      '',
      'public abstract class ResourceBase {',
      '    protected <E, J> List<J> streamPage(final Iterable<E> page, final Function<E, J> toRow) {',
      '        final List<J> out = new java.util.ArrayList<>();',
      '        final Iterator<E> it = page.iterator();',
      ...(perRow
        ? ['        while (it.hasNext()) {', '            out.add(toRow.apply(it.next()));', '        }']
        : ['        if (it.hasNext()) {', '            out.add(toRow.apply(it.next()));', '        }']),
      '        return out;',
      '    }',
      '}',
      '',
    ],
  });
  const noteApiImpl: ScanFile = {
    path: 'api/src/main/java/org/shop/api/notes/DefaultNoteApi.java',
    text: [
      'package org.shop.api.notes;',
      '',
      'import java.sql.Connection;',
      'import java.sql.PreparedStatement;',
      'import java.util.List;',
      '',
      'public class DefaultNoteApi implements NoteApi {',
      '    private Connection connection;',
      '',
      '    public List<String> notesFor(final String orderId) throws Exception {',
      '        final PreparedStatement ps = connection.prepareStatement("select body from note where order_id = ?");',
      '        ps.setString(1, orderId);',
      '        ps.executeQuery();',
      '        return List.of();',
      '    }',
      '}',
      '',
    ],
  };
  const noteApi: ScanFile = {
    path: 'api/src/main/java/org/shop/api/notes/NoteApi.java',
    text: ['package org.shop.api.notes;', '', 'import java.util.List;', '', 'public interface NoteApi {', '    List<String> notesFor(String orderId) throws Exception;', '}', ''],
  };
  const orders: ScanFile = {
    path: 'api/src/main/java/org/shop/api/resources/OrderResource.java',
    text: [
      'package org.shop.api.resources;',
      '',
      'import java.util.List;',
      'import org.shop.api.notes.NoteApi;',
      '',
      'public class OrderResource extends ResourceBase {',
      '    private NoteApi noteApi;',
      '',
      '    public List<OrderJson> getOrders(final Iterable<Order> page) {',
      '        return streamPage(page,',
      '                          order -> {',
      '                              final List<String> notes = noteApi.notesFor(order.getId());',
      '                              return new OrderJson(order, notes);',
      '                          });',
      '    }',
      '}',
      '',
    ],
  };
  const orderLines = (lines: string[]) => lines.filter((l) => l.includes('OrderResource.java'));

  it('Java: a lambda handed to a base class\'s helper that calls it once per row of a page runs per row', async () => {
    assert.deepEqual(orderLines(await scanLines([base(true), noteApiImpl, noteApi, orders])), ['api/src/main/java/org/shop/api/resources/OrderResource.java:12 warning']);
  });

  it('control: the same lambda handed to a helper that calls it at most once is no loop', async () => {
    assert.deepEqual(orderLines(await scanLines([base(false), noteApiImpl, noteApi, orders])), []);
  });
});

