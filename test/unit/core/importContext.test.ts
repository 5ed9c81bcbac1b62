/** Context from how a module is reached: only one-off code imports it ⇒ it runs where that code runs. */
import { strict as assert } from 'node:assert';
import { ImportGraph } from '../../../src/core/importContext';
import { scanFiles } from '../../../src/core/scan';
import { nPlusOneAnalyzer } from '../../../src/core/nplusone/analyzer';

const rebuild = 'from tracker.models import Board\n\ndef rebuild(boards):\n    for b in boards:\n        Board.objects.filter(id=b.id).update(dirty=False)\n';

describe('core/importContext', () => {

  it('a module imported only by management commands is a script; one a view imports stays request code', () => {
    const g = new ImportGraph();
    g.add('tracker/timeline/rebuilder.py', rebuild);
    g.add('tracker/timeline/management/commands/rebuild_timeline.py', 'from tracker.timeline.rebuilder import rebuild\n');
    g.add('tracker/importers/csv/importer.py', 'from tracker.timeline import rebuilder\n');
    g.add('tracker/boards/service.py', rebuild);
    g.add('tracker/boards/views.py', 'from . import service\n');
    g.add('tracker/boards/management/commands/fix.py', 'from tracker.boards.service import rebuild\n');
    g.add('tracker/boards/tests/test_service.py', 'from tracker.boards.service import rebuild\n');
    g.add('tracker/lonely.py', rebuild);
    assert.deepEqual([...g.contexts()], [['tracker/timeline/rebuilder.py', 'script']]);
  });

  it('a Rails controller named only by a migration and a spec is reached by the router: it stays request code (rules-t)', () => {
    const g = new ImportGraph();
    g.add('app/controllers/submissions_controller.rb', 'class SubmissionsController < ApplicationController\n  def index\n    @submissions = Submission.all.paginate(page: params[:page])\n  end\nend\n');
    g.add('db/migrate/20181129093207_drop_errors.rb', 'class DropErrors < ActiveRecord::Migration[5.2]\n  def change\n    SubmissionsController.skip_callback(:errors)\n    drop_table :errors\n  end\nend\n');
    g.add('spec/controllers/submissions_controller_spec.rb', "RSpec.describe SubmissionsController do\nend\n");
    g.add('app/services/errors_backfill.rb', 'class ErrorsBackfill\n  def run; end\nend\n');
    g.add('db/migrate/20190101000000_backfill.rb', 'class Backfill < ActiveRecord::Migration[5.2]\n  def up\n    ErrorsBackfill.new.run\n  end\nend\n');
    assert.deepEqual([...g.contexts()], [['app/services/errors_backfill.rb', 'migration']]);
  });

  it('query modules reached through a container that only bin/ programs import stay request code when one of those programs starts the server (rules-u)', () => {
    const g = new ImportGraph();
    const query = "const { sql } = require('slonik');\nconst getAll = () => ({ all }) => all(sql`select * from forms`);\nmodule.exports = { getAll };\n";
    g.add('lib/model/query/forms.js', query);
    g.add('lib/model/container.js', "const queryModuleBuilder = require('./query-module');\nmodule.exports = { Forms: require('./query/forms') };\n");
    g.add('lib/util/default-container.js', "module.exports = require('../model/container');\n");
    g.add('lib/bin/run-server.js', "const container = require('../util/default-container');\nconst service = require('../http/service')(container);\n");
    g.add('lib/bin/purge.js', "const container = require('../util/default-container');\ncontainer.Forms.purge();\n");
    // Without a server among the importers, the same modules run where the scripts run.
    g.add('reports/query/reports.js', query);
    g.add('reports/report-container.js', "module.exports = { Reports: require('./query/reports') };\n");
    g.add('reports/bin/export.js', "const c = require('../report-container');\nc.Reports.getAll();\n");
    assert.deepEqual(new Map(g.contexts()), new Map([['reports/report-container.js', 'script'], ['reports/query/reports.js', 'script']]));
    const h = new ImportGraph();
    h.add('src/routes/users.js', query);
    h.add('bin/www', '');
    h.add('bin/cli.js', "const users = require('../src/routes/users');\n");
    h.add('bin/serve.js', "const users = require('../src/routes/users');\nconst app = express();\napp.use(users);\napp.listen(3000);\n");
    assert.deepEqual([...h.contexts()], [], 'a program that calls app.listen starts the server');
  });

  it('a click command module known from its text is a script itself, but what it imports (the scheduler\'s jobs, the server) keeps its own context', () => {
    const g = new ImportGraph();
    g.add('src/app/case/scheduled.py', 'from app.scheduler import scheduler\n\n@scheduler.add(every(1).hour)\ndef remind(db_session):\n    pass\n');
    g.add('src/app/case/flows.py', rebuild);
    g.add('src/app/cli.py', 'import click\n\nfrom app.case import scheduled\nfrom app.case.flows import rebuild\n\n@scheduler_group.command("start")\ndef start():\n    pass\n');
    assert.deepEqual([...g.contexts()], []);
  });

  it('reads a parenthesised import over several lines', () => {
    const g = new ImportGraph();
    g.add('tracker/exports/writer.py', rebuild);
    g.add('tracker/management/commands/export.py', 'from tracker.exports.writer import rebuild\n');
    g.add('tracker/api/views.py', 'from tracker.exports import (\n    writer,  # the module\n)\n');
    assert.deepEqual([...g.contexts()], []);
  });

  it('follows relative and workspace imports in TypeScript, and chains of one-off modules', () => {
    const g = new ImportGraph();
    g.add('packages/db/src/fill.ts', 'export async function fill() {}\n');
    g.add('packages/db/src/helpers/rows.ts', "import { fill } from '../fill';\n");
    g.add('packages/db/seed/index.ts', "import { rows } from '@acme/db/helpers/rows';\n");
    g.add('apps/web/src/routes.ts', "import { other } from './other';\n");
    g.add('apps/web/src/other.ts', 'export const other = 1;\n');
    assert.deepEqual([...g.contexts()].sort(), [['packages/db/src/fill.ts', 'seed'], ['packages/db/src/helpers/rows.ts', 'seed']]);
  });

  it('scanFiles gives the findings of such a module the one-off context and caps them at info', async () => {
    const r = await scanFiles([
      { path: 'tracker/timeline/rebuilder.py', text: rebuild },
      { path: 'tracker/timeline/management/commands/rebuild_timeline.py', text: 'from tracker.timeline.rebuilder import rebuild\n' },
    ], { analyzers: [nPlusOneAnalyzer()] });
    assert.deepEqual(r.findings.map((f) => [f.file, f.context, f.severity]), [['tracker/timeline/rebuilder.py', 'script', 'info']]);
  });
});
