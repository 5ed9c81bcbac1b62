/**
 * Kinds of false alarm and miss the blind split held-out-ak showed (n1ak35: Unmanic, litemall, atproto), fixed by kind,
 * each keyed on what the code shows. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds shown by held-out-ak (n1ak35)', () => {
  it('Java, plain MyBatis: a field typed as the app mapper interface (from a dao/mapper package) runs a statement per call', async () => {
    const mapper: ScanFile = {
      path: 'shop-db/src/main/java/com/acme/shop/db/dao/GoodsMapper.java',
      text: [
        'package com.acme.shop.db.dao;',
        '',
        'import org.apache.ibatis.annotations.Param;',
        'import com.acme.shop.db.domain.Goods;',
        '',
        'public interface GoodsMapper {',
        '    Goods selectByPrimaryKey(Integer id);',
        '    int addStock(@Param("id") Integer id, @Param("num") Short num);',
        '}',
        '',
      ],
    };
    const service: ScanFile = {
      path: 'shop-db/src/main/java/com/acme/shop/db/service/GoodsService.java',
      text: [
        'package com.acme.shop.db.service;',
        '',
        'import com.acme.shop.db.dao.GoodsMapper;',
        'import com.acme.shop.db.domain.Goods;',
        'import org.springframework.stereotype.Service;',
        'import javax.annotation.Resource;',
        '',
        '@Service',
        'public class GoodsService {',
        '    @Resource',
        '    private GoodsMapper goodsMapper;',
        '',
        '    public Goods findById(Integer id) {',
        '        return goodsMapper.selectByPrimaryKey(id);',
        '    }',
        '',
        '    public int addStock(Integer id, Short num) {',
        '        return goodsMapper.addStock(id, num);',
        '    }',
        '}',
        '',
      ],
    };
    const controller: ScanFile = {
      path: 'shop-api/src/main/java/com/acme/shop/web/CartController.java',
      text: [
        'package com.acme.shop.web;',
        '',
        'import com.acme.shop.db.domain.Cart;',
        'import com.acme.shop.db.domain.Goods;',
        'import com.acme.shop.db.service.CartService;',
        'import com.acme.shop.db.service.GoodsService;',
        'import org.springframework.web.bind.annotation.*;',
        'import java.util.ArrayList;',
        'import java.util.List;',
        '',
        '@RestController',
        '@RequestMapping("/cart")',
        'public class CartController {',
        '    private final GoodsService goodsService;',
        '    private final CartService cartService;',
        '',
        '    public CartController(GoodsService goodsService, CartService cartService) {',
        '        this.goodsService = goodsService;',
        '        this.cartService = cartService;',
        '    }',
        '',
        '    @GetMapping("index")',
        '    public Object index(Integer userId) {',
        '        List<Cart> list = cartService.queryByUid(userId);',
        '        List<Goods> goods = new ArrayList<>();',
        '        for (Cart cart : list) {',
        '            goods.add(goodsService.findById(cart.getGoodsId()));',
        '            goodsService.addStock(cart.getProductId(), cart.getNumber());',
        '        }',
        '        return goods;',
        '    }',
        '}',
        '',
      ],
    };
    const lines = await scanLines([mapper, service, controller]);
    assert.deepEqual([...lines].filter((l) => l.startsWith('shop-api')).sort(), [
      'shop-api/src/main/java/com/acme/shop/web/CartController.java:27 warning',
      'shop-api/src/main/java/com/acme/shop/web/CartController.java:28 warning',
    ]);
  });

  it('Java: a MapStruct mapper (a file importing org.mapstruct) or Jackson ObjectMapper is no MyBatis mapper', async () => {
    const controller: ScanFile = {
      path: 'api/src/main/java/com/acme/web/UserController.java',
      text: [
        'package com.acme.web;',
        '',
        'import com.acme.mapper.UserMapper;',
        'import com.fasterxml.jackson.databind.ObjectMapper;',
        'import org.mapstruct.factory.Mappers;',
        'import java.util.List;',
        '',
        'public class UserController {',
        '    private final UserMapper userMapper = Mappers.getMapper(UserMapper.class);',
        '    private final ObjectMapper objectMapper = new ObjectMapper();',
        '',
        '    public void list(List<Object> users) throws Exception {',
        '        for (Object u : users) {',
        '            userMapper.selectFields(u);',
        '            objectMapper.writeValueAsString(u);',
        '        }',
        '    }',
        '}',
        '',
      ],
    };
    const lines = await scanLines([controller]);
    assert.deepEqual([...lines], []);
  });

  it('Kysely through the app database wrapper: `this.db.db.insertInto(…)` and `tx.db.updateTable(…)` per item are queries', async () => {
    const sub: ScanFile = {
      path: 'src/data-plane/subscription.ts',
      text: [
        "import { Kysely } from 'kysely'",
        "import { Database } from './db'",
        '',
        'export class Subscription {',
        '  constructor(private db: Database) {}',
        '',
        '  async processMutes(operations: { actorDid: string; subject: string }[]) {',
        '    for (const op of operations) {',
        '      await this.db.db',
        "        .insertInto('mute')",
        '        .values({ mutedByDid: op.actorDid, subjectDid: op.subject })',
        '        .execute()',
        '    }',
        '  }',
        '',
        '  async cancel(subjects: string[]) {',
        '    return this.db.transaction(async (tx) => {',
        '      for (const did of subjects) {',
        "        await tx.db.updateTable('scheduled_action').set({ status: 'cancelled' }).where('did', '=', did).execute()",
        '      }',
        '    })',
        '  }',
        '}',
        '',
      ],
    };
    const lines = await scanLines([sub]);
    assert.deepEqual([...lines].sort(), ['src/data-plane/subscription.ts:19 warning', 'src/data-plane/subscription.ts:9 warning']);
  });

  it('a loop over `chunkArray(list, 500)` (a chunking helper named chunk…) writes once per chunk, not per row', async () => {
    const proc: ScanFile = {
      path: 'src/indexing/processor.ts',
      text: [
        "import { chunkArray } from '@acme/common'",
        "import { Database } from './db'",
        '',
        'export async function notify(db: Database, notifs: { did: string }[]) {',
        '  for (const chunk of chunkArray(notifs, 500)) {',
        '    const filtered = chunk.filter((n) => n.did)',
        "    await db.db.insertInto('notification').values(filtered).execute()",
        '  }',
        '  for (const n of notifs) {',
        "    await db.db.insertInto('notification').values(n).execute()",
        '  }',
        '}',
        '',
      ],
    };
    const lines = await scanLines([proc]);
    assert.deepEqual([...lines].sort(), ['src/indexing/processor.ts:10 warning']);
  });

  it('a loop over a call to a function of the file (or a name bound to one) whose every return is a literal list of a few items runs that many times', async () => {
    const post: ScanFile = {
      path: 'src/indexing/post.ts',
      text: [
        "import { Database } from './db'",
        "type Embed = { kind: string; record?: Embed; media?: Embed }",
        "",
        "function separateEmbeds(embed: Embed | undefined): Embed[] {",
        "  if (!embed) {",
        "    return []",
        "  }",
        "  if (embed.kind === 'recordWithMedia') {",
        "    return [embed.record!, embed.media!]",
        "  }",
        "  return [embed]",
        "}",
        "",
        "function allEmbeds(embeds: Embed[]): Embed[] {",
        "  const out: Embed[] = []",
        "  for (const e of embeds) out.push(e)",
        "  return out",
        "}",
        "",
        "export async function insertPost(db: Database, uri: string, embed: Embed | undefined, more: Embed[]) {",
        "  for (const postEmbed of separateEmbeds(embed)) {",
        "    await db.db.insertInto('post_embed').values({ postUri: uri, kind: postEmbed.kind }).execute()",
        "  }",
        "  const postEmbeds = separateEmbeds(embed)",
        "  for (const postEmbed of postEmbeds) {",
        "    await db.db.insertInto('post_embed').values({ postUri: uri, kind: postEmbed.kind }).execute()",
        "  }",
        "  for (const e of allEmbeds(more)) {",
        "    await db.db.insertInto('post_embed').values({ postUri: uri, kind: e.kind }).execute()",
        "  }",
        "}",
        "",
      ],
    };
    const lines = await scanLines([post]);
    assert.deepEqual([...lines].sort(), ['src/indexing/post.ts:22 info', 'src/indexing/post.ts:26 info', 'src/indexing/post.ts:29 warning']);
  });

  it('Kysely composed in a variable from the app database wrapper (`db.db`, `dbTxn.db`) and run later in the loop is a query', async () => {
    const follows: ScanFile = {
      path: 'src/routes/follows.ts',
      text: [
        "import { Database } from './db'",
        "export async function getFollowsFollowing(db: Database, viewerDid: string, subjectDids: string[]) {",
        "  const results: string[][] = []",
        "  for (const subjectDid of subjectDids) {",
        "    const followsReq = db.db",
        "      .selectFrom('follow')",
        "      .where('follow.creator', '=', viewerDid)",
        "      .where('follow.subjectDid', '=', subjectDid)",
        "      .select(['subjectDid'])",
        "    const rows = await followsReq.execute()",
        "    results.push(rows.map((r) => r.subjectDid))",
        "  }",
        "  return results",
        "}",
        "export async function upsert(dbTxn: { db: Database['db'] }, rows: { date: string; q: string | null }[]) {",
        "  for (const r of rows) {",
        "    let del = dbTxn.db.deleteFrom('report_stat').where('date', '=', r.date)",
        "    del = r.q !== null ? del.where('queueId', '=', r.q) : del.where('queueId', 'is', null)",
        "    await del.execute()",
        "  }",
        "}",
        "",
      ],
    };
    const lines = await scanLines([follows]);
    assert.deepEqual([...lines].sort(), ['src/routes/follows.ts:10 warning', 'src/routes/follows.ts:19 warning']);
  });
});
