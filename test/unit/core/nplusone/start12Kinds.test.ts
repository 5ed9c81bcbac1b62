/**
 * Kinds behind the right findings the twelfth session's start lost (issue 14): a call on a receiver whose declared
 * type is the app's storage layer reaches what that type's method reaches, at any depth of a chain, however many
 * other classes define the name. One small synthetic fixture per kind, both ways.
 */
import { strict as assert } from 'node:assert';
import { detectWithLines, expectNPlusOneInScan } from '../../support/nplusoneFixtures';

const categoryService = {
  path: 'core/src/main/java/org/acme/shop/services/CategoryService.java',
  text: [
    'package org.acme.shop.services;',
    '',
    'public interface CategoryService {',
    '  Category getByCode(String storeCode, String code);',
    '}',
    '',
  ],
};
const categoryServiceImpl = {
  path: 'core/src/main/java/org/acme/shop/services/CategoryServiceImpl.java',
  text: [
    'package org.acme.shop.services;',
    '',
    'public class CategoryServiceImpl implements CategoryService {',
    '  private EntityManager em;',
    '',
    '  public Category getByCode(String storeCode, String code) {',
    '    return em.createQuery("select c from Category c where c.code = :code", Category.class).setParameter("code", code).getSingleResult();',
    '  }',
    '}',
    '',
  ],
};
/** Seven other classes define `getByCode` (in memory): the name alone says nothing. */
const others = Array.from({ length: 7 }, (_, i) => ({
  path: `shop/src/main/java/org/acme/shop/model/Code${i}.java`,
  text: ['package org.acme.shop.model;', '', `public class Code${i} {`, '  public Code getByCode(String store, String code) {', '    return codes.get(code);', '  }', '}', ''],
}));
/** …and `populate` is defined by many populators. */
const populators = Array.from({ length: 7 }, (_, i) => ({
  path: `shop/src/main/java/org/acme/shop/populator/Other${i}Populator.java`,
  text: ['package org.acme.shop.populator;', '', `public class Other${i}Populator {`, '  public Thing populate(Source s, Thing t, Store store, Language l) {', '    t.setName(s.getName());', '    return t;', '  }', '}', ''],
}));

describe('N+1 kinds lost at the twelfth session start', () => {
  it('Java: a helper of the file (populate, called recursively per child) reaches the database through a field declared as the app\'s service, though the method name has many definitions; a field of another type does not', async () => {
    const populator = {
      path: 'shop/src/main/java/org/acme/shop/populator/CategoryPopulator.java',
      text: [
        'package org.acme.shop.populator;',
        '',
        'public class CategoryPopulator {',
        '  private CategoryService categoryService;',
        '  private CodeTable codeTable;',
        '',
        '  public Category populate(PersistableCategory source, Category target, Store store, Language language) {',
        '    if (source.getParent() != null) {',
        '      target.setParent(categoryService.getByCode(store.getCode(), source.getParent().getCode()));',
        '    }',
        '    for (PersistableCategory child : source.getChildren()) {',
        '      target.getCategories().add(this.populate(child, new Category(), store, language));',
        '    }',
        '    return target;',
        '  }',
        '}',
        '',
      ],
    };
    const inMemory = {
      path: 'shop/src/main/java/org/acme/shop/populator/TagPopulator.java',
      text: [
        'package org.acme.shop.populator;',
        '',
        'public class TagPopulator {',
        '  private CodeTable codeTable;',
        '',
        '  public Tag populate(PersistableTag source, Tag target, Store store, Language language) {',
        '    target.setCode(codeTable.getByCode(store.getCode(), source.getCode()));',
        '    for (PersistableTag child : source.getChildren()) {',
        '      target.getTags().add(this.populate(child, new Tag(), store, language));',
        '    }',
        '    return target;',
        '  }',
        '}',
        '',
      ],
    };
    await expectNPlusOneInScan([categoryService, categoryServiceImpl, ...others, ...populators, populator, inMemory], ['shop/src/main/java/org/acme/shop/populator/CategoryPopulator.java:12']);
  });

  it('Python: a common method name (`create`) on a parameter annotated with the app\'s repository type (`accessor: RepositoryGeneric`) is that repository\'s method, so a helper calling it per item reaches the database; on an unannotated object it is still the library\'s', async () => {
    const repository = {
      path: 'app/repos/repository_generic.py',
      text: [
        "from sqlalchemy.orm import Session",
        "",
        "",
        "class RepositoryGeneric:",
        '    def __init__(self, session):',
        '        self.session = session',
        '',
        '    def create(self, data):',
        '        row = self.model(**data)',
        '        self.session.add(row)',
        '        self.session.commit()',
        '        return row',
        '',
      ],
    };
    const renderer = {
      path: 'app/pdf/renderer.py',
      text: [
        'class Renderer:',
        '    def create(self, data):',
        '        return {"page": data}',
        '',
      ],
    };
    const helpers = {
      path: 'app/services/migrations/helpers.py',
      text: [
        'from app.repos.repository_generic import RepositoryGeneric',
        '',
        '',
        'class MigrationHelpers:',
        '    def get_or_set_tags(self, accessor: RepositoryGeneric, names):',
        '        return [accessor.create({"name": n}) for n in names]',
        '',
        '    def render_pages(self, renderer, names):',
        '        return [renderer.create({"name": n}) for n in names]',
        '',
      ],
    };
    const migration = {
      path: 'app/services/migrations/importer.py',
      text: [
        'from app.services.migrations.helpers import MigrationHelpers',
        '',
        '',
        'class Importer:',
        '    def __init__(self, repos):',
        '        self.helpers = MigrationHelpers()',
        '        self.repos = repos',
        '',
        '    def import_recipes(self, recipes):',
        '        for recipe in recipes:',
        '            recipe.tags = self.helpers.get_or_set_tags(self.repos.tags, recipe.tag_names)',
        '            recipe.pages = self.helpers.render_pages(self.renderer, recipe.page_names)',
        '',
      ],
    };
    await expectNPlusOneInScan([repository, renderer, helpers, migration], ['app/services/migrations/importer.py:11']);
  });

  it('Django: a helper of another module that reads through a related manager by a QuerySet-only method (`action.assign_users.values_list(…)`) queries, so calling it per action is an N+1; a helper doing in-memory work on the action is not', async () => {
    const mutations = {
      path: 'app/workflows/mutations.py',
      text: [
        'from django.utils import timezone',
        '',
        'from app.models import WorkflowAction',
        '',
        '',
        'def apply_assignment_to_overrides(action: WorkflowAction, overrides):',
        '    overrides.view_users = list(action.assign_view_users.values_list("id", flat=True))',
        '    overrides.updated = timezone.now()',
        '',
        '',
        'def apply_title_to_overrides(action: WorkflowAction, overrides):',
        '    overrides.title = action.assign_title.strip()',
        '    overrides.tags = sorted(action.tag_names)',
        '',
      ],
    };
    const handlers = {
      path: 'app/signals/handlers.py',
      text: [
        'from app.workflows.mutations import apply_assignment_to_overrides',
        'from app.workflows.mutations import apply_title_to_overrides',
        '',
        '',
        'def run_workflows(workflow, overrides):',
        '    for action in workflow.actions.order_by("order"):',
        '        apply_assignment_to_overrides(action, overrides)',
        '        apply_title_to_overrides(action, overrides)',
        '',
      ],
    };
    await expectNPlusOneInScan([mutations, handlers], ['app/signals/handlers.py:7']);
  });

  it('a loop whose per-item call reaches the database only through an argument that is the same object every time (`self.prepare(value, flip, latin1=True)` per header) is not an N+1; the same call per flip is', async () => {
    const base = {
      path: 'hc/api/transports.py',
      text: [
        'from hc.api.models import Ping',
        '',
        '',
        'class HttpTransport:',
        '    def last_ping(self, flip):',
        '        return Ping.objects.filter(owner_id=flip.owner_id, created__lte=flip.created).order_by("created").last()',
        '',
      ],
    };
    const webhook = {
      path: 'hc/integrations/webhook/transport.py',
      text: [
        'from hc.api.transports import HttpTransport',
        '',
        '',
        'class Webhook(HttpTransport):',
        '    def prepare(self, template, flip, urlencode=False, latin1=False):',
        '        lp = self.last_ping(flip)',
        '        return template.replace("$EXITSTATUS", str(lp.exitstatus if lp else -1))',
        '',
        '    def notify(self, flip, spec):',
        '        headers = {}',
        '        for key, value in spec.headers.items():',
        '            headers[key] = self.prepare(value, flip, latin1=True)',
        '        return headers',
        '',
        '    def notify_all(self, flips, spec):',
        '        bodies = []',
        '        for flip in flips:',
        '            bodies.append(self.prepare(spec.body, flip, latin1=True))',
        '        return bodies',
        '',
      ],
    };
    await expectNPlusOneInScan([base, webhook], ['hc/integrations/webhook/transport.py:18']);
  });

  it('Python: a loop of rounds (`for _ in range(retries)`, `range(int(os.environ.get("ROUNDS", "2")))`, `range(ROUNDS)`) is at most a possible N+1 (info; the `_` loop of retries was silent already); a range over the data (`range(len(checks))`) still warns', async () => {
    const found = await detectWithLines([
      'import os',
      '',
      'from django.db import models',
      '',
      'from hc.api.models import Check',
      '',
      'ROUNDS = 3',
      '',
      '',
      'def probe(project):',
      '    for rnd in range(int(os.environ.get("ROUNDS", "2"))):',
      '        list(Check.objects.filter(project=project).order_by("name"))',
      '    for _ in range(project.retries):',
      '        Check.objects.filter(project=project).update(alive=True)',
      '    for i in range(ROUNDS):',
      '        Check.objects.filter(project=project, n=i).count()',
      '',
      '',
      'def touch(checks):',
      '    for i in range(len(checks)):',
      '        Check.objects.filter(id=checks[i].id).update(alive=True)',
      '',
    ].join('\n'), 'hc/api/probe.py');
    assert.deepEqual(found.map((f) => `${f.line} ${f.finding.severity}`), ['12 info', '16 info', '21 warning']);
    assert.match(found[0].finding.message, /^Possible N\+1, a loop of rounds/);
  });
});
