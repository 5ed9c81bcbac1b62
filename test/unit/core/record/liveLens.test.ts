/**
 * person18 LOW 4: no CodeLens at the call sites while recording. The recorded lenses are made from the figures kept up as
 * each statement arrives (LiveRecording), so they read the same while the app runs as after Stop; the window is asked
 * to fetch them again only when a visible file's lenses changed (recordedLensKey). person17 LOW 8: on ORM code, with
 * nothing recorded, one line says to record (ormHintLine).
 */
import { strict as assert } from 'node:assert';
import { LiveRecording } from '../../../../src/core/record/live';
import { recordedLenses, recordedLensKey } from '../../../../src/core/record/lens';
import { ormHintLine } from '../../../../src/core/record/firstHint';
import type { QueryEvent } from '../../../../src/core/record/protocol';
import { loadPgParser, normalizeSql } from '../../../../src/core/sql/statement';

const FILE = '/shop/orm/orders.ts';
const OTHER = '/shop/orm/customers.ts';

function q(sql: string, unit: string, line: number, file = FILE): QueryEvent {
  return { v: 1, t: 'q', lib: 'pg', sql, pc: 1, pt: [], ms: 2, rows: 1, u: { k: 'request', id: unit, n: 'GET /orders' }, ts: 0, pid: 1, site: { file, line, col: 5, via: 'sequelize' } };
}

describe('recorded CodeLens while recording (from the live figures), and the first hint on ORM code', () => {
  before(() => loadPgParser());

  it('appear with the first statements, update as more arrive, and gain ": N+1" once a unit of work crosses the threshold', () => {
    const rec = new LiveRecording(normalizeSql);
    const lenses = (silenced?: Set<number>) => recordedLenses(rec.summary({ threshold: 5 }), FILE, silenced).sort((a, b) => a.line - b.line).map(({ line, title }) => ({ line, title }));
    assert.deepEqual(lenses(), []);
    rec.receive(q('SELECT * FROM orders ORDER BY placed_at DESC LIMIT 10', 'r1', 12));
    for (let i = 0; i < 3; i++) rec.receive(q('SELECT * FROM order_items WHERE order_id = $1', 'r1', 20));
    assert.deepEqual(lenses(), [
      { line: 12, title: '1 call · 2.00 ms client time · 1× per request' },
      { line: 20, title: '3 calls · 6.00 ms client time · 3× per request' },
    ]);
    const before = recordedLensKey(rec.summary({ threshold: 5 }), [FILE]);
    for (let i = 0; i < 7; i++) rec.receive(q('SELECT * FROM order_items WHERE order_id = $1', 'r1', 20));
    assert.deepEqual(lenses().find((l) => l.line === 20), { line: 20, title: '10 calls · 20.0 ms client · 10× per request: N+1' });
    assert.notEqual(recordedLensKey(rec.summary({ threshold: 5 }), [FILE]), before, 'the window is asked to fetch them again');
    // Silenced by a pg-lens-ignore comment (the Problems panel has none there): counts, no ": N+1".
    assert.equal(lenses(new Set([20])).find((l) => l.line === 20)?.title, '10 calls · 20.0 ms client time · 10× per request');
  });

  it('statements at another file leave the visible file\'s key unchanged (no fetch asked of the window)', () => {
    const rec = new LiveRecording(normalizeSql);
    rec.receive(q('SELECT * FROM orders WHERE id = $1', 'r1', 12));
    const key = recordedLensKey(rec.summary({ threshold: 5 }), [FILE]);
    for (let i = 0; i < 20; i++) rec.receive(q('SELECT * FROM customers WHERE id = $1', 'r1', 7, OTHER));
    assert.equal(recordedLensKey(rec.summary({ threshold: 5 }), [FILE]), key);
    assert.notEqual(recordedLensKey(rec.summary({ threshold: 5 }), [FILE, OTHER]), key);
  });

  it('the first hint: at the line that brings in the ORM or the models, only on code without SQL of its own', () => {
    const django = ['from django.shortcuts import render', 'from .models import Book, Author', '', 'def index(request):', '    return render(request, "index.html", {"n": Book.objects.count()})'].join('\n');
    assert.equal(ormHintLine(django, 'python', 0), 2);
    const sequelize = ["import express from 'express';", "import { Op } from 'sequelize';", 'export const list = () => Order.findAll({ where: { status: { [Op.eq]: "paid" } } });'].join('\n');
    assert.equal(ormHintLine(sequelize, 'typescript', 0), 2);
    const gorm = ['package store', '', 'import (', '\t"gorm.io/gorm"', ')'].join('\n');
    assert.equal(ormHintLine(gorm, 'go', 0), 4);
    // person18's Koa/Knex app: the app's own knex client, required from a local module.
    const koa = ["'use strict'", "const humps = require('humps')", "const db = require('../db')", '', 'module.exports = { async get(ctx) { ctx.body = await db("articles").first() } }'].join('\n');
    assert.equal(ormHintLine(koa, 'javascript', 0), 3);
    assert.equal(ormHintLine(["import { createClient } from 'redis';", 'const client = createClient();'].join('\n'), 'typescript', 0), undefined, 'a cache client');
    // Where the app runs, not its migrations, seeds, scripts or tests.
    assert.equal(ormHintLine(django, 'python', 0, '/p17/catalog/views.py'), 2);
    const migration = ['from django.db import migrations, models', '', 'class Migration(migrations.Migration):', '    dependencies = []'].join('\n');
    assert.equal(ormHintLine(migration, 'python', 0, '/p17/catalog/migrations/0002_auto.py'), undefined);
    assert.equal(ormHintLine(django, 'python', 0, '/p17/catalog/tests/test_views.py'), undefined);
    // SQL of its own: the hover and the cost CodeLens already speak there. No database at all: nothing to say.
    assert.equal(ormHintLine(sequelize, 'typescript', 2), undefined);
    assert.equal(ormHintLine(["import express from 'express';", 'export const ok = () => 1;'].join('\n'), 'typescript', 0), undefined);
  });
});
