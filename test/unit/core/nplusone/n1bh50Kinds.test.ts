/**
 * Kinds the twelve N+1 splits held-out-ad…aw showed (n1bh, session 50): no query per item — a call taken for a query
 * through a name the code does not mean. Each test failed before its fix (main 604d9ef7); the controls keep what must
 * stay as it was.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1bh50', () => {
  // A GraphQL field resolver of the app named `values` that queries: any call named `values` reached it by name.
  const resolver: ScanFile = {
    path: 'packages/core/src/api/resolvers/shelf.resolver.ts',
    text: [
      "import { Repository } from '../../data/repository';",
      '',
      'export class ShelfResolver {',
      '    constructor(private repository: Repository) {}',
      '',
      '    async values(shelfId: number) {',
      "        return this.repository.query('select * from shelf_value where shelf_id = $1', [shelfId]);",
      '    }',
      '}',
      '',
    ],
  };
  const repository: ScanFile = {
    path: 'packages/core/src/data/repository.ts',
    text: ["import { Pool } from 'pg';", '', 'export class Repository {', '    constructor(private pool: Pool) {}', '    async query(sql: string, params: unknown[]) {', '        return (await this.pool.query(sql, params)).rows;', '    }', '}', ''],
  };

  // held-out-aq Vendure: an id codec walking a response in memory called `Object.values(target)` per element; the
  // app's `values` resolver made the walker "reach the database", and every id encoded per argument an N+1.
  const walker = (call: string): ScanFile => ({
    path: 'packages/core/src/api/common/tree-walker.ts',
    text: [
      'export class TreeWalker {',
      '    walk(target: unknown[]): unknown[] {',
      '        const out: unknown[] = [];',
      '        for (let i = 0; i < target.length; i++) {',
      '            out.push(this.visit(target[i]));',
      '        }',
      '        return out;',
      '    }',
      '',
      '    private visit(target: any): unknown {',
      `        const inner = ${call};`,
      '        return inner.length ? inner : target;',
      '    }',
      '}',
      '',
    ],
  });
  const walkerLines = (lines: string[]) => lines.filter((l) => l.includes('tree-walker.ts'));

  it('TS: a static function of a JavaScript global (Object.values, Array.from, JSON.parse) is never the app\'s function of that name', async () => {
    assert.deepEqual(walkerLines(await scanLines([resolver, repository, walker('Object.values(target)')])), []);
    assert.deepEqual(walkerLines(await scanLines([resolver, repository, walker('Array.from(Object.values(target)).filter((v) => JSON.parse(String(v)))')])), []);
  });

  it('control: the app\'s own function of that name, called without a global before it, still reaches its query', async () => {
    const shelfValues: ScanFile = {
      path: 'packages/core/src/api/common/shelf-values.ts',
      text: ["import { Repository } from '../../data/repository';", '', 'const repository = new Repository(undefined as never);', '', 'export async function values(shelfId: number) {', "    return repository.query('select * from shelf_value where shelf_id = $1', [shelfId]);", '}', ''],
    };
    const file = walker('values(target)');
    const text = ["import { values } from './shelf-values';", '', ...(file.text as string[])];
    assert.deepEqual(walkerLines(await scanLines([repository, shelfValues, { path: file.path, text }])), ['packages/core/src/api/common/tree-walker.ts:7 warning']);
  });

  // held-out-aq Vendure: a request-scoped cache keeps a Map per request (`private getContextCache(ctx): Map<any, any>`) and its
  // `get(ctx, key, getDefault)` reads `ctxCache.get(key)`. That Map's `get` was taken for the app's querying `get`s (the
  // cache "delegates" to a `get`), so every price and tax applied through the cache was a query per variant.
  const cache = (returns: string): ScanFile => ({
    path: 'packages/core/src/cache/request-cache.service.ts',
    text: [
      'export class RequestCacheService {',
      '    private caches = new WeakMap<object, Map<string, unknown>>();',
      '',
      '    get<T>(ctx: object, key: string, getDefault: () => T): T {',
      '        const ctxCache = this.getContextCache(ctx);',
      '        const hit = ctxCache.get(key);',
      '        if (hit) {',
      '            return hit as T;',
      '        }',
      '        const made = getDefault();',
      '        ctxCache.set(key, made);',
      '        return made;',
      '    }',
      '',
      `    private getContextCache(ctx: object)${returns} {`,
      '        let ctxCache = this.caches.get(ctx);',
      '        if (!ctxCache) {',
      '            ctxCache = new Map<string, unknown>();',
      '            this.caches.set(ctx, ctxCache);',
      '        }',
      '        return ctxCache;',
      '    }',
      '}',
      '',
    ],
  });
  const userService: ScanFile = {
    path: 'packages/core/src/service/user.service.ts',
    text: [
      "import { Repository } from '../data/repository';",
      '',
      'export class UserService {',
      '    constructor(private repository: Repository) {}',
      '    async get(id: number) {',
      "        return this.repository.query('select * from app_user where id = $1', [id]);",
      '    }',
      '}',
      '',
    ],
  };
  const pricing: ScanFile = {
    path: 'packages/core/src/service/pricing.ts',
    text: [
      "import { RequestCacheService } from '../cache/request-cache.service';",
      '',
      'export class Pricing {',
      '    constructor(private requestCache: RequestCacheService) {}',
      '',
      '    applyTax(ctx: object, variant: { price: number; rate: string }) {',
      '        const rate = this.requestCache.get(ctx, variant.rate, () => 0.2);',
      '        return variant.price * (1 + rate);',
      '    }',
      '',
      '    applyAll(ctx: object, variants: { price: number; rate: string }[]) {',
      '        const out: number[] = [];',
      '        for (const variant of variants) {',
      '            out.push(this.applyTax(ctx, variant));',
      '        }',
      '        return out;',
      '    }',
      '}',
      '',
    ],
  };
  const pricingLines = (lines: string[]) => lines.filter((l) => l.includes('pricing.ts'));

  it('TS: a local made by a function of the file declared to return a Map answers its get in memory', async () => {
    assert.deepEqual(pricingLines(await scanLines([repository, userService, cache(': Map<string, unknown>'), pricing])), []);
  });

  it('control: a local made by a function whose return type the code does not name is still judged by name', async () => {
    assert.deepEqual(pricingLines(await scanLines([repository, userService, cache(''), pricing])), ['packages/core/src/service/pricing.ts:14 warning']);
  });
});
