/**
 * Kinds of false alarm the blind splits showed in Java, Go and TypeScript apps (n1aw, session 45). Each test failed
 * before its fix (branch n1aw at 66f4d8fc); each control passed before and after.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1aw45 (Java, Go and TypeScript)', () => {
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
});
