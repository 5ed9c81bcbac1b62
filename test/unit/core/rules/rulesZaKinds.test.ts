/**
 * Kinds of mistakes of the SQL rules seen on issue 14's rules-za split (Metaflow's services: psycopg-style `%s` SQL
 * filled by str.format, a filter grammar whose operator tables bind `'%{}%'` values to `'"{}" ILIKE %s'`) and fixed as
 * kinds, each checked on our own fixture code: a leading-wildcard pattern bound to a DB-API `%s` (or `$n`) parameter
 * and added to the parameter list near the fragment, or passed in the call; a list of patterns compared with
 * `LIKE ANY(array[…])`; a filter grammar's parallel operator tables.
 */
import { strict as assert } from 'node:assert';
import { analyzeFile } from '../../../../src/core/scan';
import { fragmentLikeAnalyzer } from '../../../../src/core/rules/fragmentLike';

const notes = async (path: string, lines: string[]) =>
  (await analyzeFile({ path, text: lines.join('\n') + '\n' }, { analyzers: [fragmentLikeAnalyzer()] })).findings.map(
    (f) => `${f.severity} ${f.evidence?.expression} <- ${f.evidence?.boundValue}`,
  );

describe('rules-za kinds: a leading-wildcard pattern bound to a positional %s parameter', () => {
  it('a condition list and a value list built side by side (values.append(f"%{q}%"))', async () => {
    // Before the fix: nothing (only `?` was read as a positional parameter).
    const found = await notes('shop/queries.py', [
      'def find_products(cur, name, limit):',
      '    conditions, values = [], []',
      '    if name:',
      '        conditions.append("p.title ILIKE %s")',
      '        values.append(f"%{name}%")',
      '    sql = "SELECT id, title FROM products p WHERE " + " AND ".join(conditions) + " LIMIT %s"',
      '    cur.execute(sql, values + [limit])',
    ]);
    assert.deepEqual(found, ['info p.title ILIKE ? <- f"%{name}%"']);
  });

  it('the pattern passed in the call, after the statement', async () => {
    // Before the fix: nothing.
    const found = await notes('shop/queries.py', [
      'def find_customers(cur, q):',
      '    cur.execute(',
      '        "SELECT id FROM customers WHERE email ILIKE %s ORDER BY id LIMIT 20",',
      '        ("%" + q + "%",),',
      '    )',
      '    return cur.fetchall()',
    ]);
    assert.deepEqual(found, ['info email ILIKE ? <- "%" + q + "%"']);
  });

  it('a prefix pattern or a format placeholder is no leading wildcard', async () => {
    assert.deepEqual(await notes('shop/queries.py', [
      'def by_prefix(cur, q):',
      '    cur.execute("SELECT id FROM customers WHERE email ILIKE %s", (q + "%",))',
      'def by_exact(cur, q):',
      '    cur.execute("SELECT id FROM customers WHERE email ILIKE %s", ("%s" % q,))',
      'def by_glob(cur, q):',
      '    cur.execute("SELECT id FROM customers WHERE email LIKE %s", (q.replace("*", "%"),))',
      'def by_day(cur, day):',
      '    cur.execute("SELECT id FROM orders WHERE note LIKE %s AND day = %s", (note, day.strftime("%Y-%m-%d")))',
    ]), []);
  });

  it('patterns compared with LIKE ANY(array[…]) whose %s slots are joined at run time', async () => {
    // Before the fix: nothing (`{}(array[{}])` was not read as parameters, nor `values += map(…)` as adding them).
    const found = await notes('shop/filters.py', [
      'def label_filter(labels):',
      '    conditions, values = [], []',
      '    conditions.append(',
      '        "labels::text LIKE {}(array[{}])".format(',
      '            "ANY", ",".join(["%s"] * len(labels))',
      '        )',
      '    )',
      '    values += map(lambda label: "%{}%".format(label), labels)',
      '    return conditions, values',
    ]);
    assert.deepEqual(found, ['info labels::text LIKE ? <- "%{}%".format(label), labels']);
  });
});

describe("rules-za kinds: a filter grammar's operator tables", () => {
  const grammar = [
    'SQL_OPERATORS = {',
    '    "eq": \'"{}" = %s\',',
    '    "has": \'"{}" ILIKE %s\',',
    '    "pre": \'"{}" ILIKE %s\',',
    '    "suf": \'"{}" ILIKE %s\',',
    '}',
    '',
    'VALUE_TEMPLATES = {',
    '    "eq": "{}",',
    '    "has": "%{}%",',
    '    "pre": "{}%",',
    '    "suf": "%{}",',
    '}',
    '',
    'def condition(field, op, value):',
    '    return SQL_OPERATORS[op].format(field), VALUE_TEMPLATES[op].format(value)',
  ];

  it('the operators whose value template starts with a wildcard are noted, the prefix one is not', async () => {
    // Before the fix: nothing (the column is a format slot, and the value is bound under the operator's key).
    const found = await notes('api/filters.py', grammar);
    assert.deepEqual(found, ['info "{}" ILIKE ? <- "%{}%"', 'info "{}" ILIKE ? <- "%{}"']);
  });

  it('without a wildcard value template nothing is noted', async () => {
    const found = await notes('api/filters.py', grammar.map((l) => l.replace('"%{}%"', '"{}%"').replace('"%{}"', '"{}"')));
    assert.deepEqual(found, []);
  });
});
