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
});
