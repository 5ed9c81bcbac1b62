/**
 * Kinds seen on the eighth session's held-out apps (issue 14, held-out-k: a Django app with websocket
 * consumers and formsets, a Java server reaching JDBC through its own storage layer, a Go engine on
 * pgx + sqlc), one small synthetic fixture per kind.
 */
import { expectNPlusOne } from '../../support/nplusoneFixtures';

describe('core/nplusone kinds seen on held-out-k', () => {
  it('Django: a select_related/prefetch_related path (`a__b__c`) loads every relation it crosses; one it does not name is still lazy', async () => {
    const py = [
      'from league.models import Score',
      '',
      'def table(rnd):',
      '    scores = Score.objects.filter(rnd=rnd).select_related("entry__team__club").prefetch_related("marks_set__judge")',
      '    rows = []',
      '    for s in scores:',
      '        rows.append((s.entry.team.name, len(s.marks_set.all())))',
      '    for s in scores:',
      '        rows.append(s.referee.name)',
      '    return rows',
      '',
    ];
    await expectNPlusOne(py, 'league/views.py', [9]);
  });

  it('Django: a datetime field read with a datetime method (`n.sent.astimezone(tz)`) is a column, not a relation', async () => {
    const py = [
      'from league.models import Notice',
      '',
      'def listing(tz):',
      '    out = []',
      '    for n in Notice.objects.filter(public=True):',
      '        out.append(n.sent.astimezone(tz))',
      '        out.append(n.author.name)',
      '    return out',
      '',
    ];
    await expectNPlusOne(py, 'league/notices.py', [7]);
  });
});
