/**
 * Kinds behind the static N+1 problems person13 met (issue 20): a helper reaching the database only through a method
 * of an object computed from one of its parameters (Q1 again), which function a method call reaches when several
 * classes define it (P7), and where the finding sits when the query is in a helper (P2). One small synthetic fixture
 * per kind, both ways.
 */
import { strict as assert } from 'node:assert';
import { expectNPlusOneInScan, scanNPlusOne } from '../../support/nplusoneFixtures';
import { scanFiles } from '../../../../src/core/scan';
import { nPlusOneAnalyzer } from '../../../../src/core/nplusone/analyzer';
import { CrossFileCalls } from '../../../../src/core/nplusone/crossFile';
import { summarize } from '../../../../src/core/record/aggregate';
import { recordedFindings } from '../../../../src/core/record/findings';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';
import { lineStarts, positionAt } from '../../../../src/core/findings';

describe('N+1 kinds person13 met (issue 20)', () => {
  it('a helper reaching the database only through a method of an object computed from an argument (`check = flip.owner`, `check.recent_pings()`) queries the same every time when that argument is the same every time (Q1 per header); per flip it is an N+1', async () => {
    const models = {
      path: 'hc/api/models.py',
      text: [
        'from django.db import models',
        '',
        '',
        'class Check(models.Model):',
        '    name = models.CharField(max_length=100)',
        '',
        '    def recent_pings(self):',
        '        return list(Ping.objects.filter(owner=self).order_by("-created")[:10])',
        '',
        '',
        'class Ping(models.Model):',
        '    owner = models.ForeignKey(Check, models.CASCADE)',
        '',
      ],
    };
    const webhook = {
      path: 'hc/integrations/webhook/transport.py',
      text: [
        'from hc.api.models import Check',
        '',
        '',
        'class Webhook:',
        '    def prepare(self, template: str, flip, urlencode: bool = False, latin1: bool = False) -> str:',
        '        check = flip.owner',
        '        pings = check.recent_pings()',
        '        return template.replace("$PINGS", str(len(pings)))',
        '',
        '    def notify(self, flip, spec):',
        '        headers = {}',
        '        for key, value in spec.headers.items():',
        '            headers[key] = self.prepare(value, flip, latin1=True)',
        '        return headers',
        '',
        '    def notify_all(self, flips, spec):',
        '        bodies = []',
        '        for flip in flips:',
        '            bodies.append(self.prepare(spec.body, flip, latin1=True))',
        '        return bodies',
        '',
      ],
    };
    await expectNPlusOneInScan([models, webhook], ['hc/integrations/webhook/transport.py:19']);
  });
  const ctfdModels = {
    path: 'CTFd/models/__init__.py',
    text: [
      'from flask_sqlalchemy import SQLAlchemy',
      '',
      'db = SQLAlchemy()',
      '',
      '',
      'class Users(db.Model):',
      '    id = db.Column(db.Integer, primary_key=True)',
      '',
      '    def get_solves(self, admin=False):',
      '        return Solves.query.filter_by(user_id=self.id).all()',
      '',
      '    def get_place(self):',
      '        return Standings.query.filter_by(user_id=self.id).first()',
      '',
      '',
      'class Teams(db.Model):',
      '    id = db.Column(db.Integer, primary_key=True)',
      '',
      '    def get_solves(self, admin=False):',
      '        return Solves.query.filter_by(team_id=self.id).all()',
      '',
      '',
      '    def get_place(self):',
      '        return self.place',
      '',
    ],
  };

  it('a method several classes define (`get_solves` of Users and Teams) is the class the code binds the receiver to — a loop over `Teams.query…`, a local `Teams.query…first()`, a parameter annotated `team: Teams` — and "one of" both when the code does not say (P7)', async () => {
    const views = {
      path: 'CTFd/teams.py',
      text: [
        'from CTFd.models import Teams, Users',
        '',
        '',
        'def scoreboard():',
        '    for team in Teams.query.all():',
        '        team.get_solves()',
        '',
        '',
        'def listing(rows):',
        '    for row in rows:',
        '        row.get_solves()',
        '',
        '',
        'def one_team(team_id, ids):',
        '    team = Teams.query.filter_by(id=team_id).first()',
        '    for i in ids:',
        '        team.get_solves(admin=i)',
        '',
        '',
        'def annotated(team: Teams, users):',
        '    for u in users:',
        '        team.get_solves(admin=u.admin)',
        '',
      ],
    };
    const found = await scanNPlusOne([ctfdModels, views]);
    const at = (line: number) => found.find((f) => f.file === 'CTFd/teams.py' && f.line === line)?.message ?? '';
    assert.match(at(6), /reaches the database \(`Teams\.get_solves` in CTFd\/models\/__init__\.py:19\)/);
    assert.match(at(11), /`get_solves`: one of Users\.get_solves in CTFd\/models\/__init__\.py:9, Teams\.get_solves in CTFd\/models\/__init__\.py:19/);
    assert.match(at(17), /`Teams\.get_solves` in CTFd\/models\/__init__\.py:19/);
    assert.match(at(22), /`Teams\.get_solves` in CTFd\/models\/__init__\.py:19/);
    // P2: the finding sits at the loop's call; the helper's query is its related place (in the models file), per class.
    const related = (line: number) => (found.find((f) => f.file === 'CTFd/teams.py' && f.line === line)?.related ?? []).filter((r) => r.file).map((r) => `${r.file}:${r.line}`);
    assert.deepEqual(related(6), ['CTFd/models/__init__.py:20']);
    assert.deepEqual(related(11), ['CTFd/models/__init__.py:10', 'CTFd/models/__init__.py:20']);
  });

  it('a method one class reaches the database with and another computes in memory (`get_place`): the call is an N+1 on the class that queries, not on the other (P7)', async () => {
    const views = {
      path: 'CTFd/scoreboard.py',
      text: [
        'from CTFd.models import Teams, Users',
        '',
        '',
        'def users_places():',
        '    for user in Users.query.all():',
        '        user.get_place()',
        '',
        '',
        'def teams_places():',
        '    teams = Teams.query.all()',
        '    for team in teams:',
        '        team.get_place()',
        '',
      ],
    };
    await expectNPlusOneInScan([ctfdModels, views], ['CTFd/scoreboard.py:6']);
  });
  it('a recorded N+1 sent from a helper that one loop of another file calls is at that loop\'s call, the helper\'s line its related place; a helper called from no loop keeps it (P2, recorded side)', async () => {
    await loadPgParser();
    const views = {
      path: 'CTFd/scoreboard.py',
      text: [
        'from CTFd.models import Teams',
        '',
        '',
        'def standings():',
        '    out = []',
        '    for team in Teams.query.all():',
        '        out.append(team.get_solves())',
        '    return out',
        '',
      ],
    };
    const files = [ctfdModels, views].map((f) => ({ path: f.path, text: f.text.join('\n') }));
    const index = new CrossFileCalls();
    await scanFiles(files, { analyzers: [nPlusOneAnalyzer({ workspace: { index, live: false } })] });
    const event = (line: number, i: number): QueryEvent => ({
      v: 1, t: 'q', lib: 'psycopg2', sql: `SELECT * FROM solves WHERE team_id = ${i}`, pc: 0, pt: [], ms: 1, rows: 3,
      u: { k: 'request', id: 'r1', n: 'GET /scoreboard' }, ts: i, pid: 1, site: { file: ctfdModels.path, line, col: 16 },
    });
    const lineOf = (file: string, at: number) => positionAt(lineStarts(files.find((f) => f.path === file)!.text), at).line + 1;
    // Teams.get_solves' query (line 20): called from the loop of scoreboard.py.
    let summary = summarize(Array.from({ length: 10 }, (_, i) => event(20, i)), normalizeSql, { threshold: 5 });
    const state = { summary, advice: new Map(), callers: (file: string, line: number) => index.loopCallers(file, line) };
    assert.deepEqual(recordedFindings(state, ctfdModels.path, files[0].text), []);
    const [f, ...rest] = recordedFindings(state, views.path, files[1].text);
    assert.equal(rest.length, 0);
    assert.equal(lineOf(views.path, f.span.start), 7);
    assert.match(f.message, /10 times in one request/);
    assert.deepEqual(f.related?.map((r) => `${r.file}:${r.line}`), [`${ctfdModels.path}:20`]);
    // Users.get_solves' query (line 10): no loop calls it, the finding stays at the helper's line.
    summary = summarize(Array.from({ length: 10 }, (_, i) => event(10, i)), normalizeSql, { threshold: 5 });
    const users = recordedFindings({ ...state, summary }, ctfdModels.path, files[0].text);
    assert.deepEqual(users.map((x) => lineOf(ctfdModels.path, x.span.start)), [10]);
    assert.deepEqual(recordedFindings({ ...state, summary }, views.path, files[1].text), []);
  });
});
