/**
 * A loop over its function's parameter, judged by the function's callers (issue 14, n1-22): when every caller passes a
 * short literal list or map, the loop makes as many round trips as the code writes — info, with the callers named; any
 * caller passing something else (a query's rows, a request's list) keeps the warning. Synthetic fixtures, not copied
 * from an app.
 */
import { strict as assert } from 'node:assert';
import { scanNPlusOne } from '../../support/nplusoneFixtures';

const goSettings = (callerArg: string) => [
  {
    path: 'internal/db/setting.go',
    text: ['package db', '', 'import "gorm.io/gorm"', '', 'var db *gorm.DB', '', 'func setSetting(key string, value string) error {', '\treturn db.FirstOrCreate(&Setting{Key: key, Value: value}, &Setting{Key: key}).Error', '}', '', 'func initSettings(settings map[string]string) error {', '\tfor key, value := range settings {', '\t\tif err := setSetting(key, value); err != nil {', '\t\t\treturn err', '\t\t}', '\t}', '\treturn nil', '}', ''].join('\n'),
  },
  {
    path: 'internal/db/db.go',
    text: ['package db', '', 'func Setup() error {', `\treturn initSettings(${callerArg})`, '}', ''].join('\n'),
  },
];

describe('N+1 over a parameter: what every caller passes decides (fixed literal → info)', () => {
  it('Go: every caller (another file) passes a literal map of a few keys — info, the caller named', async () => {
    const fs = await scanNPlusOne(goSettings('map[string]string{\n\t\t"a": "0",\n\t\t"b": "0",\n\t\t"c": "1",\n\t}'));
    const f = fs.find((x) => x.file === 'internal/db/setting.go');
    assert.ok(f, JSON.stringify(fs.map((x) => x.message)));
    assert.equal(f.severity, 'info');
    assert.match(f.message, /^Possible N\+1 over a fixed list \(every caller of `initSettings` passes `settings` as a literal of at most 10 items: internal\/db\/db\.go:4\): /);
  });

  it('Go: a caller passing the rows of a query (not a literal) keeps the warning', async () => {
    const fs = await scanNPlusOne(goSettings('loadDefaults()'));
    const f = fs.find((x) => x.file === 'internal/db/setting.go');
    assert.equal(f?.severity, 'warning', JSON.stringify(fs.map((x) => x.message)));
  });

  it('Python: one literal caller and one passing a request\'s list — still a warning; only literal callers — info', async () => {
    const model = ['from flask_sqlalchemy import SQLAlchemy', 'from sqlalchemy import select', '', 'db = SQLAlchemy()', '', 'class Setting(db.Model):', '    @classmethod', '    def update_all(cls, settings):', '        for key, value in settings.items():', '            setting = db.session.execute(select(cls).where(cls.key == key)).scalar()', '            setting.value = value', '            db.session.commit()', ''].join('\n');
    const fixed = ['from app.models import Setting', '', 'def reset():', '    Setting.update_all({"theme": "light", "lang": "en"})', ''].join('\n');
    const request = ['from flask import request', 'from app.models import Setting', '', 'def save():', '    Setting.update_all(request.form.to_dict())', ''].join('\n');
    const both = await scanNPlusOne([{ path: 'app/models.py', text: model }, { path: 'app/reset.py', text: fixed }, { path: 'app/views.py', text: request }]);
    assert.equal(both.find((x) => x.file === 'app/models.py')?.severity, 'warning', JSON.stringify(both.map((x) => x.message)));
    const only = await scanNPlusOne([{ path: 'app/models.py', text: model }, { path: 'app/reset.py', text: fixed }]);
    const f = only.find((x) => x.file === 'app/models.py');
    assert.equal(f?.severity, 'info', JSON.stringify(only.map((x) => x.message)));
    assert.match(f!.message, /every caller of `update_all` passes `settings` as a literal/);
  });

  it('no caller: the warning stays (nothing says what the loop walks); a call from a test only is no literal caller — the code is a test\'s (n1bo)', async () => {
    const [setting] = goSettings('x');
    const alone = await scanNPlusOne([setting]);
    assert.equal(alone.find((x) => x.file === 'internal/db/setting.go')?.severity, 'warning');
    const test = await scanNPlusOne([setting, { path: 'internal/db/setting_test.go', text: 'package db\n\nfunc TestInit(t *testing.T) {\n\tinitSettings(map[string]string{"a": "1"})\n}\n' }]);
    const f = test.find((x) => x.file === 'internal/db/setting.go');
    // Only a test calls it: test code (startupGraph testOnlyNames, n1bo), capped as tests are — not a fixed list.
    assert.equal(f?.context, 'test');
    assert.doesNotMatch(f?.message ?? '', /passes `\w+` as a literal/);
  });
});
