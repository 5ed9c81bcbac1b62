/**
 * Kinds seen on the thirteenth session's held-out apps (issue 14, held-out-s: a Go + GORM statistics server with an
 * in-process event bus, a TypeORM + React LLM-flow builder, a Spring Data JPA + jOOQ reporting server), one small
 * synthetic fixture per kind, written in the idiom, not copied from the apps.
 */
import { strict as assert } from 'node:assert';
import { codeContextOf } from '../../../../src/core/codeContext';
import { expectNPlusOne, expectNPlusOneInScan } from '../../support/nplusoneFixtures';

describe('N+1 kinds of held-out-s', () => {
  it('a demo-data generator folder written as one word (`demodata/`, `sampledata/`) is seed code, like `demo_data/`', () => {
    assert.equal(codeContextOf('src/main/java/app/demodata/service/DemoLaunchGenerator.java'), 'seed');
    assert.equal(codeContextOf('backend/sampledata/load.py'), 'seed');
    assert.equal(codeContextOf('src/main/java/app/demo_data/Generator.java'), 'seed');
    assert.equal(codeContextOf('src/main/java/app/data/DataService.java'), 'request');
  });

  it('Go: a range over a channel (a subscription\'s receiver, `make(chan …)`, a `<-chan` parameter) receives one message per iteration — a consumer, not a loop over a fetched collection; a range over a slice still is', async () => {
    const consumer = [
      'package services',
      '',
      'import "gorm.io/gorm"',
      '',
      'type Hub interface{ Subscribe(topic string) *Subscription }',
      'type Subscription struct{ Receiver <-chan Message }',
      'type Message struct{ UserID string }',
      '',
      'type Stats struct{ db *gorm.DB }',
      '',
      'func (s *Stats) Listen(hub Hub) {',
      '\tsub := hub.Subscribe("user.updated")',
      '\tgo func() {',
      '\t\tfor m := range sub.Receiver {',
      '\t\t\ts.db.Where("user_id = ?", m.UserID).Delete(&Entry{})',
      '\t\t}',
      '\t}()',
      '}',
      '',
      'func (s *Stats) Work(jobs <-chan string) {',
      '\tfor id := range jobs {',
      '\t\tvar e Entry',
      '\t\ts.db.First(&e, "id = ?", id)',
      '\t}',
      '}',
      '',
      'func (s *Stats) Queue() {',
      '\tpending := make(chan string, 16)',
      '\tgo func() {',
      '\t\tfor id := range pending {',
      '\t\t\ts.db.Where("id = ?", id).Delete(&Entry{})',
      '\t\t}',
      '\t}()',
      '}',
      '',
      'func (s *Stats) Purge(ids []string) {',
      '\tfor _, id := range ids {',
      '\t\ts.db.Where("id = ?", id).Delete(&Entry{})',
      '\t}',
      '}',
      '',
    ];
    await expectNPlusOne(consumer, 'services/stats.go', [38]);
  });

  it('TS/JS: a function in a JSX attribute (`onClick={() => remove(row)}`) runs on the event, not once per row drawn', async () => {
    const page = [
      'import { AppDataSource } from "../db";',
      'import { Item } from "../entities/Item";',
      '',
      'export async function removeItem(id: string) {',
      '  await AppDataSource.getRepository(Item).delete({ id });',
      '}',
      '',
      'export function ItemRows({ items }: { items: Item[] }) {',
      '  return items.map((row) => (',
      '    <tr key={row.id}>',
      '      <td>{row.name}</td>',
      '      <td><button onClick={() => removeItem(row.id)}>Delete</button></td>',
      '    </tr>',
      '  ));',
      '}',
      '',
      'export async function removeAll(items: Item[]) {',
      '  for (const row of items) await removeItem(row.id);',
      '}',
      '',
    ];
    await expectNPlusOne(page, 'src/views/items.tsx', [18]);
  });

  it('TS/JS: an array method given a function (`workspaces.find((w) => w.id === id)`) is the array\'s, not a repository\'s `find`', async () => {
    const service = [
      'import { In } from "typeorm";',
      'import { AppDataSource } from "../db";',
      'import { Workspace } from "../entities/Workspace";',
      '',
      'export async function sharedWith(shares: { workspaceId: string }[]) {',
      '  const workspaces = await AppDataSource.getRepository(Workspace).find({ where: { id: In(shares.map((s) => s.workspaceId)) } });',
      '  return shares.map((s) => {',
      '    const workspace = workspaces.find((w) => w.id === s.workspaceId);',
      '    return { ...s, name: workspace?.name };',
      '  });',
      '}',
      '',
      'export async function names(shares: { workspaceId: string }[]) {',
      '  const workspaceRepository = AppDataSource.getRepository(Workspace);',
      '  for (const s of shares) {',
      '    const found = await workspaceRepository.find({ where: { id: s.workspaceId } });',
      '    console.log(found.length);',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOne(service, 'src/services/workspaces.ts', [16]);
  });

  it('Java: a stream that ends in one element (`findFirst()`, `findAny()`, `max(…)`) before `.map(…)` runs the lambda at most once', async () => {
    const java = [
      'package app.auth;',
      '',
      'import java.util.List;',
      '',
      'public class ProviderService {',
      '  private final ProviderRepository providerRepository;',
      '',
      '  public ProviderService(ProviderRepository providerRepository) { this.providerRepository = providerRepository; }',
      '',
      '  public Settings settingsFor(List<Plugin> plugins, String name) {',
      '    return plugins.stream()',
      '        .filter(p -> p.getName().equals(name))',
      '        .findFirst()',
      '        .map(p -> providerRepository.findByName(p.getName()))',
      '        .orElse(null);',
      '  }',
      '',
      '  public List<Settings> all(List<Plugin> plugins) {',
      '    return plugins.stream()',
      '        .map(p -> providerRepository.findByName(p.getName()))',
      '        .toList();',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOne(java, 'src/main/java/app/auth/ProviderService.java', [20]);
  });

  it('Java: a loop over chunks of the input (`Iterables.partition(ids, size).forEach(part -> handle(part))`) calls the app\'s function once per chunk: the batched form', async () => {
    const java = [
      'package app.analyzer;',
      '',
      'import com.google.common.collect.Iterables;',
      'import java.util.List;',
      '',
      'public class Analyzer {',
      '  private final ItemRepository itemRepository;',
      '',
      '  public Analyzer(ItemRepository itemRepository) { this.itemRepository = itemRepository; }',
      '',
      '  public void run(List<Long> ids, int size) {',
      '    Iterables.partition(ids, size).forEach(part -> analyzePart(part));',
      '  }',
      '',
      '  public void each(List<Long> ids) {',
      '    ids.forEach(id -> analyzePart(List.of(id)));',
      '  }',
      '',
      '  private void analyzePart(List<Long> part) {',
      '    itemRepository.updateAnalyzedFlag(part);',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOne(java, 'src/main/java/app/analyzer/Analyzer.java', [16]);
  });

  it('TS: a list named for its chunks iterated by the chunk (`for (const batch of batches)`) calls the app\'s function once per chunk, even through a name derived from it', async () => {
    const store = [
      'import { DataSource } from "typeorm";',
      '',
      'export class RecordStore {',
      '  constructor(private dataSource: DataSource, private namespace: string) {}',
      '',
      '  async exists(keys: string[]): Promise<boolean[]> {',
      '    const rows = await this.dataSource.manager.query("SELECT key FROM records WHERE namespace = $1", [this.namespace]);',
      '    return keys.map((k) => rows.some((r: { key: string }) => r.key === k));',
      '  }',
      '}',
      '',
    ];
    const indexing = [
      'import { RecordStore } from "./recordStore";',
      '',
      'function split<T>(size: number, items: T[]): T[][] {',
      '  const out: T[][] = [];',
      '  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));',
      '  return out;',
      '}',
      '',
      'export async function index(store: RecordStore, docs: { id: string }[]) {',
      '  const batches = split(100, docs);',
      '  for (const batch of batches) {',
      '    const ids = batch.map((d) => d.id);',
      '    const seen = await store.exists(ids);',
      '    console.log(seen.length);',
      '  }',
      '  for (const doc of docs) {',
      '    await store.exists([doc.id]);',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOneInScan([{ path: 'src/recordStore.ts', text: store }, { path: 'src/indexing.ts', text: indexing }], ['src/indexing.ts:17']);
    // A record named batch (a row of a `notification_batches` table) read field by field is one item per iteration.
    const flush = [
      'import { RecordStore } from "./recordStore";',
      '',
      'export async function flushDue(store: RecordStore, batches: { id: string; teamId: string }[]) {',
      '  for (const batch of batches) {',
      '    await store.exists([batch.teamId]);',
      '  }',
      '}',
      '',
    ];
    await expectNPlusOneInScan([{ path: 'src/recordStore.ts', text: store }, { path: 'src/flush.ts', text: flush }], ['src/flush.ts:5']);
  });
});
