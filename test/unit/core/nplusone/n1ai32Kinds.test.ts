/**
 * Kinds of false alarm and miss the blind split held-out-ai showed (n1ai32: chartbrew, cryostat, warehouse), fixed by
 * kind, each keyed on what the code shows. Each test failed before its fix.
 */
import { strict as assert } from 'node:assert';
import { type ScanFile, scanLines } from '../../support/nplusoneFixtures';

describe('N+1 kinds shown by held-out-ai (n1ai32)', () => {
  it('a SQLAlchemy session held under another name (`request.db.add(row)`) stages the row: no round trip per item, and a helper that only stages is no database call', async () => {
    const events: ScanFile = {
      path: 'app/events/models.py',
      text: [
        'from sqlalchemy import orm',
        'from app.db import Model',
        '',
        'class IpAddress(Model):',
        '    pass',
        '',
        'class HasEvents:',
        '    def record_event(self, *, tag, request):',
        '        event = self.Event(source=self, tag=tag, ip_address=request.ip_address)',
        '        request.db.add(event)',
        '        return event',
        '',
      ],
    };
    const views: ScanFile = {
      path: 'app/admin/views/users.py',
      text: [
        'from sqlalchemy import select',
        'from app.accounts.models import User, ProhibitedEmailDomain',
        'from app.packaging.models import JournalEntry, Role',
        '',
        'def user_freeze(user, request):',
        '    for email in user.emails:',
        '        request.db.add(ProhibitedEmailDomain(domain=email.domain, comment="frozen"))',
        '    for project in user.projects:',
        '        project.record_event(tag="frozen", request=request)',
        '    for vulnerability in list(user.vulnerabilities):',
        '        user.vulnerabilities.remove(vulnerability)',
        '',
        'def user_roles(users, request):',
        '    for user in users:',
        '        request.db.query(Role).filter(Role.user == user).all()',
        '',
      ],
    };
    const lines = await scanLines([events, views]);
    assert.deepEqual(lines.filter((l) => l.startsWith('app/admin/views/users.py')), ['app/admin/views/users.py:15 warning']);
  });

  it('Sequelize models reached through the registry a models module exports (`const db = require("../models/models")`, `db.ChartCache.destroy(…)`)', async () => {
    const cron: ScanFile = {
      path: 'server/modules/CleanChartCache.js',
      text: [
        'const db = require("../models/models");',
        '',
        'function clean() {',
        '  return db.ChartCache.findAll()',
        '    .then((cache) => {',
        '      const cleanPromises = [];',
        '      for (const item of cache) {',
        '        cleanPromises.push(db.ChartCache.destroy({ where: { id: item.id } }));',
        '      }',
        '      return Promise.all(cleanPromises);',
        '    });',
        '}',
        '',
        'module.exports = clean;',
        '',
      ],
    };
    const controller: ScanFile = {
      path: 'server/controllers/AiController.js',
      text: [
        'const models = require("../models");',
        '',
        'async function getConversations(teamId, limit, offset) {',
        '  const conversations = await models.AiConversation.findAll({ where: { team_id: teamId }, limit, offset });',
        '  return Promise.all(conversations.map(async (conv) => {',
        '    const usage = await models.AiUsage.findAll({ where: { conversation_id: conv.id }, raw: true });',
        '    return { ...conv.toJSON(), usage };',
        '  }));',
        '}',
        '',
        'module.exports = { getConversations };',
        '',
      ],
    };
    // Not a registry of models: a settings object from a config module.
    const settings: ScanFile = {
      path: 'server/modules/mailer.js',
      text: [
        'const settings = require("../settings");',
        '',
        'function sendAll(users) {',
        '  for (const user of users) {',
        '    settings.Mailer.create({ to: user.email });',
        '  }',
        '}',
        '',
        'module.exports = sendAll;',
        '',
      ],
    };
    const lines = await scanLines([cron, controller, settings]);
    assert.deepEqual(lines.filter((l) => / (warning|error)$/.test(l)), ['server/controllers/AiController.js:6 warning', 'server/modules/CleanChartCache.js:8 warning']);
  });

  it('Quarkus Panache entities: a query the entity builds and runs (`Target.find("connectUrl", url).firstResultOptional()`), and an app static whose body does (`Target.getTargetById(id)`)', async () => {
    const entity: ScanFile = {
      path: 'src/main/java/io/app/targets/Target.java',
      text: [
        'package io.app.targets;',
        '',
        'import io.quarkus.hibernate.orm.panache.PanacheEntity;',
        'import jakarta.persistence.Entity;',
        '',
        '@Entity',
        'public class Target extends PanacheEntity {',
        '    public String connectUrl;',
        '',
        '    public static Target getTargetById(long targetId) {',
        '        return find("id", targetId).singleResult();',
        '    }',
        '}',
        '',
      ],
    };
    const expressions: ScanFile = {
      path: 'src/main/java/io/app/expressions/MatchExpressions.java',
      text: [
        'package io.app.expressions;',
        '',
        'import io.app.targets.Target;',
        'import java.util.HashSet;',
        'import java.util.List;',
        '',
        'public class MatchExpressions {',
        '    public HashSet<Target> test(List<Long> targetIds) {',
        '        var targets = new HashSet<Target>();',
        '        targetIds.forEach(id -> targets.add(Target.getTargetById(id)));',
        '        return targets;',
        '    }',
        '}',
        '',
      ],
    };
    const manager: ScanFile = {
      path: 'src/main/java/io/app/targets/TargetConnectionManager.java',
      text: [
        'package io.app.targets;',
        '',
        'import java.net.URI;',
        'import java.util.Map;',
        '',
        'public class TargetConnectionManager {',
        '    private Map<URI, Object> connections;',
        '',
        '    void handleCredentialChange(String credential) {',
        '        for (var entry : connections.entrySet()) {',
        '            URI key = entry.getKey();',
        '            var target = Target.find("connectUrl", key).<Target>firstResultOptional();',
        '            if (target.isEmpty()) {',
        '                continue;',
        '            }',
        '        }',
        '    }',
        '}',
        '',
      ],
    };
    // Not Panache: an app class's own static search over a tree in memory.
    const task: ScanFile = {
      path: 'src/main/java/io/app/flows/Flow.java',
      text: [
        'package io.app.flows;',
        '',
        'import java.util.List;',
        '',
        'public class Flow {',
        '    public List<String> taskIds(List<String> ids) {',
        '        return ids.stream().map(id -> Task.findById(id)).toList();',
        '    }',
        '}',
        '',
      ],
    };
    const lines = await scanLines([entity, expressions, manager, task]);
    assert.deepEqual(lines.filter((l) => / (warning|error)$/.test(l)), ['src/main/java/io/app/expressions/MatchExpressions.java:10 warning', 'src/main/java/io/app/targets/TargetConnectionManager.java:12 warning']);
  });

  it('MicroProfile GraphQL (SmallRye): a method taking its parent as an `@Source` parameter runs once per parent', async () => {
    const entity: ScanFile = {
      path: 'src/main/java/io/app/targets/Target.java',
      text: [
        'package io.app.targets;',
        '',
        'import io.quarkus.hibernate.orm.panache.PanacheEntity;',
        'import jakarta.persistence.Entity;',
        '',
        '@Entity',
        'public class Target extends PanacheEntity {',
        '    public String jvmId;',
        '',
        '    public static Target getTargetById(long targetId) {',
        '        return find("id", targetId).singleResult();',
        '    }',
        '}',
        '',
      ],
    };
    const api: ScanFile = {
      path: 'src/main/java/io/app/graphql/TargetNodes.java',
      text: [
        'package io.app.graphql;',
        '',
        'import io.app.targets.Target;',
        'import java.util.List;',
        'import org.eclipse.microprofile.graphql.GraphQLApi;',
        'import org.eclipse.microprofile.graphql.Query;',
        'import org.eclipse.microprofile.graphql.Source;',
        '',
        '@GraphQLApi',
        'public class TargetNodes {',
        '    @Query("targets")',
        '    public List<Target> targets() {',
        '        return Target.listAll();',
        '    }',
        '',
        '    public String jvmId(@Source Target target) {',
        '        var fTarget = Target.getTargetById(target.id);',
        '        return fTarget.jvmId;',
        '    }',
        '}',
        '',
      ],
    };
    const lines = await scanLines([entity, api]);
    assert.deepEqual(lines.filter((l) => / (warning|error)$/.test(l)), ['src/main/java/io/app/graphql/TargetNodes.java:17 warning']);
  });

  it('an array\'s method given a callback (`matches.find((m) => m !== ".")`) is never the app\'s function of that name (`module.exports.find = (condition) => db.Template.findAll(…)`)', async () => {
    const controller: ScanFile = {
      path: 'server/controllers/TemplateController.js',
      text: [
        'const db = require("../models/models");',
        '',
        'module.exports.find = (condition) => {',
        '  return db.Template.findAll({ where: condition });',
        '};',
        '',
      ],
    };
    const formula: ScanFile = {
      path: 'server/visualization/valueFormula.js',
      text: [
        'function toNumericValue(value) {',
        '  const matches = `${value}`.match(/-?[\\d.]+/g);',
        '  if (!matches) return null;',
        '  return Number(matches.find((match) => match !== "."));',
        '}',
        '',
        'module.exports = { toNumericValue };',
        '',
      ],
    };
    const metrics: ScanFile = {
      path: 'server/visualization/metrics.js',
      text: [
        'const { toNumericValue } = require("./valueFormula");',
        '',
        'function sum(data) {',
        '  let total = 0;',
        '  for (const value of data) {',
        '    total += toNumericValue(value) ?? 0;',
        '  }',
        '  return total;',
        '}',
        '',
        'module.exports = { sum };',
        '',
      ],
    };
    const lines = await scanLines([controller, formula, metrics]);
    assert.deepEqual(lines.filter((l) => / (warning|error)$/.test(l)), []);
  });
});
