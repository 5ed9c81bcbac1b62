/**
 * Kinds of false alarm the blind splits showed in Java, Go and TypeScript apps (n1aw, session 45). Each test failed
 * before its fix (branch n1aw at 66f4d8fc). The controls keep what must stay reported; the Sprintf half of the counter-loop
 * control failed before too (a Go `fmt.Sprintf` DML statement with a value in it was taken for a list of statements).
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1aw45 (Java, Go and TypeScript)', () => {
  // held-out-as airsonic-advanced: `MediaFolderService.getAllMusicFolders()` keeps the folders in a field filled on first
  // use (`if (cachedMusicFolders == null) { cachedMusicFolders = musicFolderDao.getAllMusicFolders(); }`), yet a loop
  // calling it (and every method reaching it: `getMusicFolderById`, `isRoot`) was said to query per item.
  const folderDao: ScanFile = {
    path: 'src/main/java/app/dao/MusicFolderDao.java',
    text: [
      'package app.dao;',
      '',
      'import app.domain.MusicFolder;',
      'import java.util.List;',
      'import org.springframework.jdbc.core.JdbcTemplate;',
      'import org.springframework.stereotype.Repository;',
      '',
      '@Repository',
      'public class MusicFolderDao {',
      '  private final JdbcTemplate jdbcTemplate;',
      '',
      '  public MusicFolderDao(JdbcTemplate jdbcTemplate) {',
      '    this.jdbcTemplate = jdbcTemplate;',
      '  }',
      '',
      '  public List<MusicFolder> getAllMusicFolders() {',
      '    return jdbcTemplate.query("SELECT id, path, enabled FROM music_folder", (rs, i) -> new MusicFolder(rs.getInt(1), rs.getString(2), rs.getBoolean(3)));',
      '  }',
      '',
      '  public MusicFolder getMusicFolder(int id) {',
      '    return jdbcTemplate.queryForObject("SELECT id, path, enabled FROM music_folder WHERE id = ?", (rs, i) -> new MusicFolder(rs.getInt(1), rs.getString(2), rs.getBoolean(3)), id);',
      '  }',
      '}',
      '',
    ],
  };
  const folderService: ScanFile = {
    path: 'src/main/java/app/service/MediaFolderService.java',
    text: [
      'package app.service;',
      '',
      'import app.dao.MusicFolderDao;',
      'import app.domain.MusicFolder;',
      'import java.util.List;',
      'import java.util.stream.Collectors;',
      'import org.springframework.stereotype.Service;',
      '',
      '@Service',
      'public class MediaFolderService {',
      '  private final MusicFolderDao musicFolderDao;',
      '  private List<MusicFolder> cachedMusicFolders;',
      '',
      '  public MediaFolderService(MusicFolderDao musicFolderDao) {',
      '    this.musicFolderDao = musicFolderDao;',
      '  }',
      '',
      '  public List<MusicFolder> getAllMusicFolders(boolean includeDisabled) {',
      '    if (cachedMusicFolders == null) {',
      '      cachedMusicFolders = musicFolderDao.getAllMusicFolders();',
      '    }',
      '    return cachedMusicFolders.stream().filter(f -> includeDisabled || f.isEnabled()).collect(Collectors.toList());',
      '  }',
      '',
      '  public MusicFolder getMusicFolderById(Integer id) {',
      '    return getAllMusicFolders(false).stream().filter(f -> id.equals(f.getId())).findAny().orElse(null);',
      '  }',
      '',
      '  public MusicFolder getMusicFolderFresh(Integer id) {',
      '    MusicFolder folderCache = null;',
      '    if (folderCache == null) {',
      '      folderCache = musicFolderDao.getMusicFolder(id);',
      '    }',
      '    return folderCache;',
      '  }',
      '',
      '  public void clearMusicFolderCache() {',
      '    cachedMusicFolders = null;',
      '  }',
      '}',
      '',
    ],
  };
  const folderUse = (call: string): ScanFile => ({
    path: 'src/main/java/app/web/FolderController.java',
    text: [
      'package app.web;',
      '',
      'import app.domain.MediaFile;',
      'import app.service.MediaFolderService;',
      'import java.util.ArrayList;',
      'import java.util.List;',
      'import org.springframework.stereotype.Controller;',
      '',
      '@Controller',
      'public class FolderController {',
      '  private final MediaFolderService mediaFolderService;',
      '',
      '  public FolderController(MediaFolderService mediaFolderService) {',
      '    this.mediaFolderService = mediaFolderService;',
      '  }',
      '',
      '  public List<String> paths(List<MediaFile> files) {',
      '    List<String> out = new ArrayList<>();',
      '    for (MediaFile f : files) {',
      `      out.add(${call}.getPath());`,
      '    }',
      '    return out;',
      '  }',
      '}',
      '',
    ],
  });

  it('Java: a method that fills a cache field on first use (and its callers) queries once, not per item', async () => {
    assert.deepEqual(await scanLines([folderDao, folderService, folderUse('mediaFolderService.getMusicFolderById(f.getFolderId())')]), []);
  });

  it('control: a local named like a cache, filled per call, still queries per item', async () => {
    assert.deepEqual(await scanLines([folderDao, folderService, folderUse('mediaFolderService.getMusicFolderFresh(f.getFolderId())')]), ['src/main/java/app/web/FolderController.java:20 warning']);
  });
  // held-out-as supabase/auth (and held-out-ae homebox's DELETE per table): a statement taken or built from the item —
  // `db.RawQuery(idx.query).Exec()` over a list of index definitions, `fmt.Sprintf("DROP INDEX … %s", idx.Name)` —
  // runs a different statement per item, not one query N times. pop, xorm and bun dropped a SQL argument that was not a
  // string literal, so the loop's statement-list check never saw it. Values written into a DML statement
  // (`fmt.Sprintf("DELETE … WHERE session_id = '%s'", s.ID)`) are still one statement per item.
  const popMod: ScanFile = { path: 'go.mod', text: ['module example.com/auth', '', 'go 1.22', '', 'require github.com/gobuffalo/pop/v6 v6.1.1', ''] };
  const popFile = (body: string[]): ScanFile => ({
    path: 'internal/worker/indexes.go',
    text: [
      'package worker',
      '',
      'import (',
      '\t"fmt"',
      '',
      '\t"github.com/gobuffalo/pop/v6"',
      ')',
      '',
      'type indexDef struct {',
      '\tname  string',
      '\tquery string',
      '}',
      '',
      'type session struct{ ID string }',
      '',
      'func Run(db *pop.Connection, defs []indexDef, invalid []indexDef, sessions []session, method string) error {',
      ...body,
      '\treturn nil',
      '}',
      '',
    ],
  });

  it('Go pop: a statement taken or built from the item (DDL per index) is a list of different statements', async () => {
    assert.deepEqual(await scanLines([popMod, popFile([
      '\tfor _, idx := range defs {',
      '\t\tif err := db.RawQuery(idx.query).Exec(); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
      '\tfor _, idx := range invalid {',
      '\t\tdrop := fmt.Sprintf("DROP INDEX CONCURRENTLY IF EXISTS %s", idx.name)',
      '\t\tif err := db.RawQuery(drop).Exec(); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
    ])]), []);
  });

  it('control: Go pop values written into one statement, or bound, per item are still an N+1', async () => {
    assert.deepEqual(await scanLines([popMod, popFile([
      '\tfor _, s := range sessions {',
      '\t\tq := fmt.Sprintf("DELETE FROM amr_claims WHERE session_id = \'%s\'", s.ID)',
      '\t\tif err := db.RawQuery(q).Exec(); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
      '\tfor _, s := range sessions {',
      '\t\tif err := db.RawQuery("DELETE FROM amr_claims WHERE session_id = ? AND method = ?", s.ID, method).Exec(); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
    ])]), ['internal/worker/indexes.go:19 warning', 'internal/worker/indexes.go:24 warning']);
  });


  // held-out-ae homebox: `for i := len(exportTables) - 1; i >= 0; i-- { spec := exportTables[i]; q := "DELETE FROM " +
  // spec.name + …; db.ExecContext(ctx, q, gid) }` — a counter loop names its item in the body; the statement is built
  // from that item (a table per item), a different statement each time.
  const sqlMod: ScanFile = { path: 'go.mod', text: ['module example.com/inventory', '', 'go 1.22', ''] };
  const wipe = (body: string[]): ScanFile => ({
    path: 'internal/services/wipe.go',
    text: [
      'package services',
      '',
      'import (',
      '\t"context"',
      '\t"database/sql"',
      '\t"fmt"',
      ')',
      '',
      'type tableSpec struct {',
      '\tname  string',
      '\tscope string',
      '}',
      '',
      'type user struct{ ID string }',
      '',
      'func wipe(ctx context.Context, db *sql.DB, tables []tableSpec, users []user, gid string) error {',
      ...body,
      '\treturn nil',
      '}',
      '',
    ],
  });

  it('Go: a counter loop\'s item named in the body, a statement built from it per item, is a list of statements', async () => {
    assert.deepEqual(await scanLines([sqlMod, wipe([
      '\tfor i := len(tables) - 1; i >= 0; i-- {',
      '\t\tspec := tables[i]',
      '\t\tq := "DELETE FROM " + spec.name + " WHERE " + spec.scope',
      '\t\tif _, err := db.ExecContext(ctx, q, gid); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
    ])]), []);
  });

  it('control: a counter loop binding its item with the statement fixed, or values written into a Sprintf statement, is an N+1', async () => {
    assert.deepEqual(await scanLines([sqlMod, wipe([
      '\tfor i := 0; i < len(users); i++ {',
      '\t\tu := users[i]',
      '\t\tif _, err := db.ExecContext(ctx, "UPDATE users SET seen = true WHERE id = $1", u.ID); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
      '\tfor _, u := range users {',
      '\t\tq := fmt.Sprintf("UPDATE users SET seen = true WHERE id = \'%s\'", u.ID)',
      '\t\tif _, err := db.ExecContext(ctx, q); err != nil {',
      '\t\t\treturn err',
      '\t\t}',
      '\t}',
    ])]), ['internal/services/wipe.go:19 warning', 'internal/services/wipe.go:25 warning']);
  });

  // held-out-ap Lavagna's Excel export: `if (!cardCache.containsKey(lv.getValueCard())) { CardFull card =
  // cardRepository.findFullBy(lv.getValueCard()); cardCache.put(lv.getValueCard(), …); }` — a look-up kept per key, one
  // query per distinct card; a Java key is a getter call, which the guard's pattern did not allow, nor the typed
  // `Card c = cards.get(…)` before `if (c == null)`.
  const cardRepo: ScanFile = {
    path: 'src/main/java/app/repo/CardRepository.java',
    text: [
      'package app.repo;',
      '',
      'import app.domain.Card;',
      'import org.springframework.jdbc.core.JdbcTemplate;',
      'import org.springframework.stereotype.Repository;',
      '',
      '@Repository',
      'public class CardRepository {',
      '  private final JdbcTemplate jdbc;',
      '',
      '  public CardRepository(JdbcTemplate jdbc) {',
      '    this.jdbc = jdbc;',
      '  }',
      '',
      '  public Card findById(int id) {',
      '    return jdbc.queryForObject("SELECT id, name FROM card WHERE id = ?", (rs, i) -> new Card(rs.getInt(1), rs.getString(2)), id);',
      '  }',
      '}',
      '',
    ],
  };
  const exporter = (body: string[]): ScanFile => ({
    path: 'src/main/java/app/service/ExportService.java',
    text: [
      'package app.service;',
      '',
      'import app.domain.Card;',
      'import app.domain.LabelValue;',
      'import app.repo.CardRepository;',
      'import java.util.HashMap;',
      'import java.util.List;',
      'import java.util.Map;',
      'import org.springframework.stereotype.Service;',
      '',
      '@Service',
      'public class ExportService {',
      '  private final CardRepository cardRepository;',
      '',
      '  public ExportService(CardRepository cardRepository) {',
      '    this.cardRepository = cardRepository;',
      '  }',
      '',
      '  public String export(List<LabelValue> values) {',
      '    StringBuilder sb = new StringBuilder();',
      '    Map<Integer, String> cardCache = new HashMap<>();',
      '    Map<Integer, Card> cards = new HashMap<>();',
      '    for (LabelValue lv : values) {',
      ...body,
      '    }',
      '    return sb.toString();',
      '  }',
      '}',
      '',
    ],
  });

  it('Java: a look-up kept per key whose key is a getter call (containsKey, or get then == null) is one per distinct key', async () => {
    assert.deepEqual(await scanLines([cardRepo, exporter([
      '      if (!cardCache.containsKey(lv.getCardId())) {',
      '        Card card = cardRepository.findById(lv.getCardId());',
      '        cardCache.put(lv.getCardId(), card.getName());',
      '      }',
      '      sb.append(cardCache.get(lv.getCardId()));',
      '      Card c = cards.get(lv.getCardId());',
      '      if (c == null) {',
      '        c = cardRepository.findById(lv.getCardId());',
      '        cards.put(lv.getCardId(), c);',
      '      }',
      '      sb.append(c.getName());',
    ])]), []);
  });

  it('control: a getter-keyed check that never stores the value still queries per item', async () => {
    assert.deepEqual(await scanLines([cardRepo, exporter([
      '      if (!cardCache.containsKey(lv.getCardId())) {',
      '        Card card = cardRepository.findById(lv.getCardId());',
      '        sb.append(card.getName());',
      '      }',
    ])]), ['src/main/java/app/service/ExportService.java:25 warning']);
  });
});
