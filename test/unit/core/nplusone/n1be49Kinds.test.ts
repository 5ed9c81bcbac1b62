/**
 * Kinds the blind splits held-out-ad…aw showed (n1be, session 49). Each test failed before its fix (main ff589838); the
 * controls keep what must stay as it was.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1be49', () => {
  // held-out-av alf.io: a row class's Lombok `@Getter` writes `isLocked()` for a `locked` field; the repository interface
  // declares `@Query Boolean isLocked(@Bind("id") Integer id)`. A call without arguments on a lambda's parameter
  // (`s -> !s.isLocked()`, its type not written) was named that query: Java's methods of another parameter count are other
  // methods.
  const model: ScanFile = {
    path: 'src/main/java/shop/model/Shelf.java',
    text: ['package shop.model;', '', 'import lombok.Getter;', '', '@Getter', 'public class Shelf {', '    private final int id;', '    private final boolean locked;', '', '    public Shelf(int id, boolean locked) {', '        this.id = id;', '        this.locked = locked;', '    }', '}', ''],
  };
  const repo: ScanFile = {
    path: 'src/main/java/shop/repository/ShelfRepository.java',
    text: [
      'package shop.repository;',
      '',
      'import java.util.List;',
      'import shop.model.Shelf;',
      'import ch.digitalfondue.npjt.Bind;',
      'import ch.digitalfondue.npjt.Query;',
      'import ch.digitalfondue.npjt.QueryRepository;',
      '',
      '@QueryRepository',
      'public interface ShelfRepository {',
      '    @Query("select * from shelf where store_id = :storeId")',
      '    List<Shelf> findAll(@Bind("storeId") int storeId);',
      '',
      '    @Query("select locked from shelf where id = :id")',
      '    Boolean isLocked(@Bind("id") Integer id);',
      '}',
      '',
    ],
  };
  const manager = (body: string[]): ScanFile => ({
    path: 'src/main/java/shop/manager/ShelfManager.java',
    text: [
      'package shop.manager;',
      '',
      'import java.util.List;',
      'import shop.repository.ShelfRepository;',
      '',
      'public class ShelfManager {',
      '    private final ShelfRepository shelfRepository;',
      '',
      '    public ShelfManager(ShelfRepository shelfRepository) {',
      '        this.shelfRepository = shelfRepository;',
      '    }',
      '',
      ...body,
      '}',
      '',
    ],
  });
  const of = (lines: string[]) => lines.filter((l) => l.includes('ShelfManager.java'));

  it('Java: a call without arguments is not a repository method of the same name that takes one (a Lombok getter)', async () => {
    const lines = await scanLines([model, repo, manager([
      '    public boolean anyOpen(int storeId) {',
      '        return shelfRepository.findAll(storeId).stream()',
      '            .filter(s -> !s.isLocked())',
      '            .anyMatch(s -> s.getId() > 0);',
      '    }',
    ])]);
    assert.deepEqual(of(lines), []);
  });

  it('control: the repository method called with its argument in the same loop stays', async () => {
    const lines = await scanLines([model, repo, manager([
      '    public boolean anyOpen(int storeId, List<Integer> ids) {',
      '        return ids.stream()',
      '            .anyMatch(id -> !shelfRepository.isLocked(id));',
      '    }',
    ])]);
    assert.deepEqual(of(lines), ['src/main/java/shop/manager/ShelfManager.java:15 warning']);
  });

  // held-out-av Nango: a parser class keeps its models in a field `parsed = new Map<…>()` and its `get(name)` reads
  // `this.parsed.get(name)`. That Map's `get` was taken for the app's `get` methods that query (a service's), so the
  // parser's `get`, and every function handed the parser, "reached the database" in loops over a YAML file's models.
  const parser = (field: string): ScanFile => ({
    path: 'packages/yaml/lib/modelsParser.ts',
    text: ['export class ModelsParser {', `    ${field}`, '    get(name: string): Model | undefined {', '        const parsed = this.parsed.get(name);', '        return parsed;', '    }', '}', '',
      'export function recursiveNames(parser: ModelsParser, name: string): Set<string> {', '    const model = parser.get(name);', '    return new Set([model.name]);', '}', ''],
  });
  const service: ScanFile = {
    path: 'packages/server/lib/services/user.service.ts',
    text: ["import db from '../db.js';", 'export class UserService {', '    async get(id: number) {', "        return db.knex.from('users').where({ id }).first();", '    }', '}', ''],
  };
  const yamlParser: ScanFile = {
    path: 'packages/yaml/lib/parser.ts',
    text: ["import { recursiveNames, ModelsParser } from './modelsParser.js';", '', 'export class Parser {', '    modelsParser!: ModelsParser;', '    parse(yaml: { syncs: { output: string[] }[] }) {', '        const used = new Set<string>();', '        for (const sync of yaml.syncs) {', '            for (const output of sync.output) {', '                const find = recursiveNames(this.modelsParser, output);', '                find.forEach((n) => used.add(n));', '                const model = this.modelsParser.get(output)!;', '                used.add(model.name);', '            }', '        }', '        return used;', '    }', '}', ''],
  };
  const parserLines = (lines: string[]) => lines.filter((l) => l.includes('yaml/lib/parser.ts'));

  it('TS: a Map or Set made in a class field is no query; a function reading through it does not query', async () => {
    assert.deepEqual(parserLines(await scanLines([parser('parsed = new Map<string, Model>();'), service, yamlParser])), []);
    assert.deepEqual(parserLines(await scanLines([parser('private readonly parsed: Map<string, Model> = new Map();'), service, yamlParser])), []);
  });

  it('control: a field made by the app\'s own function is still judged by the name of what it calls', async () => {
    assert.deepEqual(parserLines(await scanLines([parser('parsed = openStore();'), service, yamlParser])), ['packages/yaml/lib/parser.ts:9 warning']);
  });
});
