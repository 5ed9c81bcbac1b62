/**
 * A kind of miss the Python apps of the blind splits showed (held-out-ar simple-login's jobs, n1ax session 46): a lazy
 * SQLAlchemy relationship read once per row of a model query walked by a `for` loop of Python code (not a template),
 * which no rule saw — one SELECT per row. The rule keeps quiet when the query or the declaration loads it, and when every
 * row has the same parent. Failed before the fix (branch n1ax at 07fa9dab: no finding at all).
 * And (FitTrackee, held-out-at): a method every model defines (`serialize`) called per row of a page handed on through
 * names (`pagination = (Route.query…paginate(…))`, `routes = pagination.items`, `[r.serialize() for r in routes]`) was
 * not known to be the rows' class's method, so its queries were missed. Failed before (branch n1ax at eaf074b1: none).
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines, scanWarnings } from '../../support/nplusoneFixtures';

describe('N+1 kinds of n1ax46 (Python: lazy SQLAlchemy relationships read per row in code)', () => {
  const models: ScanFile = {
    path: 'rental/models.py',
    text: [
      'from sqlalchemy import Boolean, Column, ForeignKey, Integer, String',
      'from sqlalchemy.orm import relationship',
      'from rental.db import Base, Session',
      '',
      'class Mixin(object):',
      '    @classmethod',
      '    def filter_by(cls, **kw):',
      '        return Session.query(cls).filter_by(**kw)',
      '',
      'class Owner(Base, Mixin):',
      '    __tablename__ = "owner"',
      '    id = Column(Integer, primary_key=True)',
      '    email = Column(String)',
      '',
      'class Shop(Base, Mixin):',
      '    __tablename__ = "shop"',
      '    id = Column(Integer, primary_key=True)',
      '    name = Column(String)',
      '',
      'class Bike(Base, Mixin):',
      '    __tablename__ = "bike"',
      '    id = Column(Integer, primary_key=True)',
      '    overdue = Column(Boolean)',
      '    owner_id = Column(Integer, ForeignKey("owner.id"))',
      '    shop_id = Column(Integer, ForeignKey("shop.id"))',
      '    owner = relationship(Owner)',
      '    shop = relationship(Shop, lazy="joined")',
      '',
    ],
  };
  const jobs: ScanFile = {
    path: 'rental/jobs.py',
    text: [
      'from sqlalchemy.orm import joinedload',
      'from rental.db import Session',
      'from rental.models import Bike',
      'from rental.mail import send',
      '',
      'def remind_overdue():',
      '    for bike in Bike.filter_by(overdue=True).all():',
      '        owner = bike.owner',
      '        send(owner.email, bike.shop.name)',
      '',
      'def remind_overdue_loaded():',
      '    for bike in Session.query(Bike).options(joinedload(Bike.owner)).filter(Bike.overdue.is_(True)).all():',
      '        send(bike.owner.email)',
      '',
      'def remind_one_owner(owner_id):',
      '    for bike in Session.query(Bike).filter_by(owner_id=owner_id).all():',
      '        send(bike.owner.email)',
      '',
      'def reassign(new_owner):',
      '    for bike in Session.query(Bike).filter(Bike.overdue.is_(True)).all():',
      '        bike.owner = new_owner',
      '',
    ],
  };

  it('a lazy relationship read per row of a query in a loop is a SELECT per row; loaded, joined, one parent or written is not', async () => {
    // Line 8: `bike.owner` (lazy select). Not `bike.shop` (lazy="joined"), not the joinedload query (12-13), not the rows
    // of one owner (16-17), not the assignment (21).
    assert.deepEqual(await scanLines([models, jobs]), ['rental/jobs.py:8 warning']);
  });

  it("a method several models define, called per row of a page handed on through names, is the rows' class's", async () => {
    const models: ScanFile = {
      path: 'trails/models.py',
      text: [
        'from trails.db import db',
        '',
        'class Hiker(db.Model):',
        '    id = db.Column(db.Integer, primary_key=True)',
        '',
        '    def serialize(self):',
        '        return {"id": self.id}',
        '',
        'class Route(db.Model):',
        '    id = db.Column(db.Integer, primary_key=True)',
        '    hiker_id = db.Column(db.Integer)',
        '',
        '    def serialize(self):',
        '        done = Ascent.query.filter_by(route_id=self.id).count()',
        '        return {"id": self.id, "ascents": done}',
        '',
        'class Ascent(db.Model):',
        '    id = db.Column(db.Integer, primary_key=True)',
        '    route_id = db.Column(db.Integer)',
        '',
      ],
    };
    const views: ScanFile = {
      path: 'trails/routes.py',
      text: [
        'from flask import Blueprint, request',
        'from trails.models import Hiker, Route',
        '',
        'bp = Blueprint("routes", __name__)',
        '',
        '@bp.route("/routes")',
        'def list_routes():',
        '    routes_pagination = (',
        '        Route.query.order_by(Route.id)',
        '        .paginate(page=int(request.args.get("page", 1)), per_page=20)',
        '    )',
        '    routes = routes_pagination.items',
        '    return {"routes": [route.serialize() for route in routes]}',
        '',
        '@bp.route("/routes/recent")',
        'def recent_routes():',
        '    routes_query = Route.query.filter(Route.id > 0)',
        '    routes = (routes_query.order_by(Route.id.desc()).all())',
        '    return {"routes": [route.serialize() for route in routes]}',
        '',
        '@bp.route("/hikers")',
        'def list_hikers():',
        '    hikers_pagination = Hiker.query.order_by(Hiker.id).paginate(page=1, per_page=20)',
        '    hikers = hikers_pagination.items',
        '    return {"hikers": [hiker.serialize() for hiker in hikers]}',
        '',
      ],
    };
    // Route.serialize counts its ascents (a query per route of the page, also of a query built on a name);
    // Hiker.serialize reads its own columns only.
    assert.deepEqual(await scanWarnings([models, views]), ['trails/routes.py:13 warning', 'trails/routes.py:19 warning']);
  });
});
