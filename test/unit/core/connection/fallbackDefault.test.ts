/**
 * person20 LOW 1: a settings module's fallback default (`os.environ.get('DATABASE_URL', 'postgresql://localhost/example')`)
 * was the connection tried on the first click, and its failure was toasted twice. A code's default is offered after
 * every real setting, said to be a fallback, never tried unasked; a failure is toasted once per connect attempt.
 */
import { strict as assert } from 'node:assert';
import { connectionsFromDjangoSettings } from '../../../../src/core/connection/frameworks';
import { connectionsFromDotEnv, rankDetected } from '../../../../src/core/connection/detect';
import { SaidOnce } from '../../../../src/core/connection/saidOnce';

const CONDUIT = `import os\n\nclass Config(object):\n    SECRET_KEY = os.environ.get('CONDUIT_SECRET', 'secret-key')\n    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL',\n                                             'postgresql://localhost/example')\n`;

describe('person20 LOW 1: a fallback default in the code is offered last and never tried unasked', () => {
  it('the default of an environment read is labelled a fallback; a URL written as the setting is not', () => {
    for (const read of ["os.environ.get('DATABASE_URL',\n    'postgresql://localhost/example')", 'os.getenv("DATABASE_URL", "postgres://u@db/app")', "env('DATABASE_URL', default='postgresql+psycopg2://u@db/app')", "config('DATABASE_URL', default='postgresql://u@db/app')"]) {
      const r = connectionsFromDjangoSettings(`DATABASE_URL_SETTING = ${read}\n`, 'conduit/settings.py');
      assert.equal(r.found.length, 1, read);
      assert.equal(r.found[0].source, 'default in conduit/settings.py (fallback)', read);
      assert.equal(r.found[0].fallback, true, read);
    }
    const written = connectionsFromDjangoSettings("DATABASE_URL = 'postgresql://u@db/app'\n", 'app/settings.py').found[0];
    assert.equal(written.source, 'a postgres:// URL in app/settings.py');
    assert.equal(written.fallback, undefined);
  });

  it('ranked after .env and every real setting; never the one connected to when nothing is configured', () => {
    const fallback = connectionsFromDjangoSettings(CONDUIT, 'conduit/settings.py').found;
    assert.equal(fallback[0].profile.name, 'example@localhost (conduit/settings.py)');
    const dotEnv = connectionsFromDotEnv('DATABASE_URL=postgresql://conduit:pw@127.0.0.1:55436/conduit\n', '.env').found;
    const { ranked, auto } = rankDetected([...fallback, ...dotEnv]);
    assert.deepEqual(ranked.map((d) => d.source), ['DATABASE_URL in .env', 'default in conduit/settings.py (fallback)']);
    assert.equal(auto?.source, 'DATABASE_URL in .env');
    // Only the fallback: offered (Add Connection lists it), but nothing is tried unasked.
    const only = rankDetected(fallback);
    assert.equal(only.ranked.length, 1);
    assert.equal(only.auto, undefined);
  });

  it('a failure is toasted once per connect attempt, again after a new attempt', () => {
    const said = new SaidOnce();
    const text = 'PG Lens: example@localhost (conduit/settings.py): No PostgreSQL is listening at localhost:5432';
    assert.equal(said.say(text), true);
    assert.equal(said.say(text), false);
    assert.equal(said.say('PG Lens: another failure'), true);
    said.reset();
    assert.equal(said.say(text), true);
  });
});
