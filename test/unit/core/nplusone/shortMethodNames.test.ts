/**
 * A model method with a short name called on the loop's item (`user.ban()`, 3 letters) is the model's own method when
 * the loop iterates that model's query: the cross-file pass follows it like `user.unban()`. n1-20 took the miss for an
 * `elif` condition (held-out-w, "elif user.ban():"); an `if` or `elif` condition is followed alike — the name's length
 * decided (names under 4 letters were left out as too common to resolve). Fails on 7672ce72.
 */
import { strict as assert } from 'node:assert';
import { nPlusOneAnalyzer } from '../../../../src/core/nplusone/analyzer';
import { scanFiles } from '../../../../src/core/scan';

const MODELS = 'from app import db\n\n\nclass User(db.Model):\n    def ban(self):\n        self.banned = True\n        db.session.commit()\n        return True\n\n    def unban(self):\n        self.banned = False\n        db.session.commit()\n        return True\n';

async function messages(body: string, iterable = 'User.query.filter(User.id.in_(ids)).all()'): Promise<string[]> {
  const views = `from app.models import User\n\n\ndef post(ids, action):\n    users = ${iterable}\n    for user in users:\n${body}`;
  const r = await scanFiles([{ path: 'app/models.py', text: MODELS }, { path: 'app/views.py', text: views }], { analyzers: [nPlusOneAnalyzer()], extract: async () => [] });
  return r.findings.map((f) => f.message);
}

describe('core/nplusone a short model method called on the loop item', () => {
  it('in an if and in an elif condition, as a longer name is', async () => {
    assert.deepEqual(await messages("        if action == 'ban' and user.ban():\n            pass\n"), ['N+1 query: `user.ban()` reaches the database (`User.ban` in app/models.py:5) and is called once per `user` in `users`.']);
    assert.deepEqual(await messages("        if action == 'unban':\n            pass\n        elif user.ban():\n            pass\n"), ['N+1 query: `user.ban()` reaches the database (`User.ban` in app/models.py:5) and is called once per `user` in `users`.']);
  });

  it('not when the loop\'s items are not a model query of the app (the name stays too common to resolve)', async () => {
    assert.deepEqual(await messages('        user.ban()\n', 'load_users(ids)'), []);
  });
});
