/**
 * The real-world scorer's cache key (test/realworld/appFindings.ts) covers every project fact the rules read: the schema
 * files' tables (columns, NOT NULL, types) decide select-star, not-in-subquery and update-delete-without-where findings,
 * so two schemas that differ only there must not share cached findings (issue 14, session 28).
 */
import { strict as assert } from 'node:assert';
import { projectKey } from '../../realworld/appFindings';
import { declared } from '../core/rules/helpers';

describe('real-world scorer: cache key', () => {
  it('differs when only a table\'s columns or NOT NULL differ (no index changes)', () => {
    const a = declared('CREATE TABLE links (id bigint PRIMARY KEY, category_id bigint);');
    const b = declared('CREATE TABLE links (id bigint PRIMARY KEY, category_id bigint NOT NULL, note jsonb);');
    assert.deepEqual([...a], [...b]); // the same indexes
    assert.notEqual(projectKey(undefined, a, undefined), projectKey(undefined, b, undefined));
  });

  it('is the same for the same schema', () => {
    const s = 'CREATE TABLE links (id bigint PRIMARY KEY, category_id bigint NOT NULL);';
    assert.equal(projectKey(undefined, declared(s), undefined), projectKey(undefined, declared(s), undefined));
  });
});
