/**
 * value-not-allowed (person50 L-D b): `WHERE status = 'refundd'` against a column whose CHECK constraint (or enum type,
 * or domain) lists the allowed values returned nothing, silently. With the catalog's allowed values the rule says so,
 * naming the constraint and the values; a parameter, `<>`, `NOT IN`, and a column without such a list say nothing.
 */
import * as assert from 'node:assert/strict';
import { valueNotAllowed as rule } from '../../../../src/core/rules/valueNotAllowed';
import { allowedValuesOf, checkListValues } from '../../../../src/core/allowedValues';
import { error, facts, flagged, ok } from './helpers';

const STATUS_CHECK = "CHECK ((status = ANY (ARRAY['paid'::text, 'shipped'::text, 'delivered'::text, 'refunded'::text])))";
const ev = facts({ orders: { rows: 1e5, cols: { id: 'int8 idx', status: 'text', kind: 'order_kind', note: 'text' } } });
const orders = ev.table!('orders')!;
orders.columns.find((c) => c.name === 'status')!.allowed = allowedValuesOf('status', undefined, [{ name: 'orders_status_check', def: STATUS_CHECK }]);
orders.columns.find((c) => c.name === 'kind')!.allowed = allowedValuesOf('kind', { name: 'order_kind', labels: ['retail', 'wholesale'] }, []);

describe('rule value-not-allowed', () => {
  it("a literal the CHECK list does not allow: said, naming the constraint and the allowed values", () => {
    const f = error(rule, "SELECT id FROM orders WHERE status = 'refundd'", { evidence: ev });
    assert.equal(flagged(f), "status = 'refundd'");
    assert.equal(f.message, "'refundd' is not a value status can hold: its CHECK constraint orders_status_check allows only 'paid', 'shipped', 'delivered', 'refunded', so the condition is never true.");
    assert.deepEqual(f.evidence?.allowed, ['paid', 'shipped', 'delivered', 'refunded']);
    error(rule, "SELECT id FROM orders o WHERE o.status = 'refundd'::text", { evidence: ev });
    error(rule, "UPDATE orders SET note = 'x' WHERE status = 'Paid'", { evidence: ev });
    const inList = error(rule, "SELECT id FROM orders WHERE status IN ('paid', 'refundd')", { evidence: ev });
    assert.match(inList.message, /'refundd' can never match/);
  });
  it('an enum type: its labels, and the statement fails (PostgreSQL rejects the label): an error (person52 M-3)', () => {
    const f = error(rule, "SELECT id FROM orders WHERE kind = 'retial'", { evidence: ev });
    assert.equal(f.message, "'retial' is not a value kind can hold: its type order_kind (an enum) allows only 'retail', 'wholesale', so the statement fails: ERROR: invalid input value for enum order_kind: \"retial\".");
    assert.equal(f.severity, 'error');
    const inList = error(rule, "SELECT id FROM orders WHERE kind IN ('retail', 'retial')", { evidence: ev });
    assert.match(inList.message, /so the statement fails: ERROR: invalid input value for enum order_kind: "retial"\.$/);
  });
  it('nothing for an allowed value, a parameter, <> and NOT IN (always true), a column without a list, or without a database', () => {
    ok(rule, "SELECT id FROM orders WHERE status = 'refunded'", { evidence: ev });
    ok(rule, "SELECT id FROM orders WHERE status IN ('paid', 'shipped')", { evidence: ev });
    ok(rule, 'SELECT id FROM orders WHERE status = $1', { evidence: ev });
    ok(rule, "SELECT id FROM orders WHERE status IN ($1, 'paid')", { evidence: ev });
    ok(rule, "SELECT id FROM orders WHERE status <> 'refundd'", { evidence: ev });
    ok(rule, "SELECT id FROM orders WHERE status NOT IN ('refundd')", { evidence: ev });
    ok(rule, "SELECT id FROM orders WHERE note = 'refundd'", { evidence: ev });
    ok(rule, "SELECT id FROM orders WHERE status = 'refundd'");
  });
  it('reads the CHECK shapes PostgreSQL prints for IN lists (text, varchar, one value, a domain\'s VALUE, quoted names); any other shape lists nothing', () => {
    assert.deepEqual(checkListValues(STATUS_CHECK, 'status'), ['paid', 'shipped', 'delivered', 'refunded']);
    assert.deepEqual(checkListValues("CHECK (((status)::text = ANY ((ARRAY['paid'::character varying, 'it''s'::character varying])::text[])))", 'status'), ['paid', "it's"]);
    assert.deepEqual(checkListValues("CHECK ((status = 'paid'::text))", 'status'), ['paid']);
    assert.deepEqual(checkListValues("CHECK ((VALUE = ANY (ARRAY['a'::text, 'b'::text])))", 'VALUE'), ['a', 'b']);
    assert.deepEqual(checkListValues(`CHECK (("Status" = ANY (ARRAY['x'::text])))`, 'Status'), ['x']);
    assert.equal(checkListValues(STATUS_CHECK, 'kind'), undefined, 'another column');
    assert.equal(checkListValues("CHECK (((status = 'a'::text) OR (note IS NOT NULL)))", 'status'), undefined);
    assert.equal(checkListValues("CHECK ((status <> 'a'::text))", 'status'), undefined);
    assert.equal(checkListValues('CHECK ((qty > 0))', 'qty'), undefined);
    assert.equal(checkListValues("CHECK ((lower(status) = ANY (ARRAY['a'::text])))", 'status'), undefined);
    // A table CHECK on two columns is not the column's list; an enum wins over a CHECK.
    assert.equal(allowedValuesOf('status', undefined, [{ name: 'c', def: "CHECK (((status = 'a'::text) AND (kind = 'b'::text)))" }]), undefined);
    assert.equal(allowedValuesOf('kind', { name: 'k', labels: ['x'] }, [{ name: 'c', def: "CHECK ((kind = 'y'::text))" }])?.kind, 'enum');
    const dom = allowedValuesOf('s', undefined, [{ name: 'd_check', def: "CHECK ((VALUE = ANY (ARRAY['a'::text])))", domain: 'size' }]);
    assert.deepEqual([dom?.values, dom?.domain], [['a'], 'size']);
  });
});
