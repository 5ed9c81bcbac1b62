import { strict as assert } from 'node:assert';
import { namedQueryFields, statementCallAt } from '../../../../../src/core/languages/go/namedQueries';
import { namedQueryHeads } from '../../../../../src/core/languages/sql/extract';

describe('core/languages/go/namedQueries: Go calls of named queries (goyesql, person9 P16)', () => {
  const queries = [
    'package models',
    '',
    'type Queries struct {',
    '\tGetSubscriber                   *sqlx.Stmt `query:"get-subscriber"`',
    '\tInsertSubscriber *sqlx.Stmt `db:"x" query:"insert-subscriber"`',
    '\tQuerySubscribers string `query:"query-subscribers"`',
    '\tPlain *sqlx.Stmt',
    '}',
  ].join('\n');
  const code = 'func (c *Core) GetSubscriber(id int) {\n\tif err := c.q.GetSubscriber.Select(&out, id, uu, email); err != nil {\n\t\treturn err\n\t}\n\t_, err = app.queries.InsertSubscriber.ExecContext(ctx, a)\n\tc.q.Plain.Close()\n}\n';

  it('reads the query each struct field names by its tag', () => {
    assert.deepEqual([...namedQueryFields(queries)], [['GetSubscriber', 'get-subscriber'], ['InsertSubscriber', 'insert-subscriber'], ['QuerySubscribers', 'query-subscribers']]);
    assert.equal(namedQueryFields('package x\n').size, 0);
  });

  it("finds the statement field of a call on the field's name or the method's, not elsewhere", () => {
    const at = (needle: string, delta = 1) => code.indexOf(needle) + delta;
    assert.deepEqual(statementCallAt(code, at('GetSubscriber.Select')), { field: 'GetSubscriber', start: code.indexOf('GetSubscriber.Select'), end: code.indexOf('GetSubscriber.Select') + 'GetSubscriber'.length });
    assert.equal(statementCallAt(code, at('Select(&out'))?.field, 'GetSubscriber');
    assert.equal(statementCallAt(code, at('InsertSubscriber.ExecContext'))?.field, 'InsertSubscriber');
    assert.equal(statementCallAt(code, at('ExecContext'))?.field, 'InsertSubscriber');
    assert.equal(statementCallAt(code, at('func (c')), undefined, 'the function name GetSubscriber is not a call of the statement');
    assert.equal(statementCallAt(code, at('Plain.Close')), undefined, 'Close does not run the query');
    assert.equal(statementCallAt(code, at('return err')), undefined);
  });

  it("a named query's name as the code calls it: aiosql's operation suffixes left off", () => {
    assert.deepEqual(namedQueryHeads('-- name: get-user^\nSELECT 1;\n-- name: add-user<!\nINSERT INTO u VALUES (1);\n-- :name list-users :? :*\nSELECT 2;\n').map((h) => h.name), ['get-user', 'add-user', 'list-users']);
  });
});
