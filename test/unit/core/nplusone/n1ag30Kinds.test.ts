/**
 * Kinds of mistake the blind split held-out-ag showed (gotosocial, kestra, audiobookshelf; notes: n1ag30), each keyed on
 * what the code shows, never on an app's name. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines as lines, scanWarnings as warnings } from '../../support/nplusoneFixtures';

describe('N+1 kinds of the held-out split ag (n1ag30)', () => {
  it('Go: a helper that only builds an error from `http.StatusText` is not a call to another service', async () => {
    const errs: ScanFile = {
      path: 'internal/gtserror/withcode.go',
      text: [
        'package gtserror',
        '',
        'import "net/http"',
        '',
        'type WithCode struct{ safe string }',
        '',
        'func NewErrorInternalError(original error) *WithCode {',
        '\treturn &WithCode{safe: http.StatusText(http.StatusInternalServerError)}',
        '}',
        '',
      ],
    };
    const f: ScanFile = {
      path: 'internal/processing/search/util.go',
      text: [
        'package search',
        '',
        'import (',
        '\t"context"',
        '\t"database/sql"',
        '',
        '\t"example.org/app/internal/gtserror"',
        ')',
        '',
        'type Processor struct{ db *sql.DB }',
        '',
        'func (p *Processor) statuses(ctx context.Context, ids []int64) (int, *gtserror.WithCode) {',
        '\tn := 0',
        '\tfor _, id := range ids {',
        '\t\tif id < 0 {',
        '\t\t\treturn 0, gtserror.NewErrorInternalError(nil)',
        '\t\t}',
        '\t\tif _, err := p.db.ExecContext(ctx, "UPDATE statuses SET seen = true WHERE id = $1", id); err != nil {',
        '\t\t\treturn 0, gtserror.NewErrorInternalError(err)',
        '\t\t}',
        '\t\tn++',
        '\t}',
        '\treturn n, nil',
        '}',
        '',
      ],
    };
    assert.deepEqual(await warnings([errs, f]), ['internal/processing/search/util.go:18 warning']);
  });
});
