import { oneGrammar } from '../language';

/**
 * Jinja templates (Flask, Quart, FastAPI/Starlette's Jinja2Templates) are read by the N+1 pass with the views that
 * render them and the SQLAlchemy models (core/nplusone/jinjaViews.ts) — Django templates too, with Django's views and
 * the models' relation fields below: `.html` and Jinja's own extensions, in a
 * `templates/` folder (the path decides; the file's text holds no SQL).
 * Django and Jinja templates: their comment is `{# #}` (Twig shares Jinja's syntax). A Django or Jinja template opened
 * without their extension reads as plain HTML: `<!-- -->`, a comment no template engine prints and no browser shows.
 */
export const pythonLanguage = {
  ...oneGrammar('python', ['.py'], '#'),
  databaseModules: ['django.db', 'django.contrib.postgres', 'sqlalchemy', 'flask_sqlalchemy', 'sqlmodel', 'peewee', 'tortoise', 'psycopg', 'psycopg2', 'asyncpg', 'databases', 'aiosql', 'pony.orm'],
  // Django's relation fields, Wagtail's (modelcluster) and third-party many-to-many managers: django-taggit's
  // TaggableManager (`tags`, fix prefetch_related("tags")), contenttypes' GenericRelation.
  relationFields: {
    ForeignKey: 'one', OneToOneField: 'one', ParentalKey: 'one',
    ManyToManyField: 'many', GenericRelation: 'many', TaggableManager: 'many',
  } as Readonly<Record<string, 'one' | 'many'>>,
  relationSerializerFields: { TagListSerializerField: 'many' } as Readonly<Record<string, 'one' | 'many'>>,
  templates: { '.html': 'jinja', '.jinja': 'jinja', '.jinja2': 'jinja', '.j2': 'jinja' },
  templateComments: [
    { editorIds: ['django-html', 'django-txt', 'jinja', 'jinja-html', 'jinja2', 'htmldjango', 'twig'], extensions: ['.jinja', '.jinja2', '.j2', '.twig'], open: '{#', close: '#}' },
    { editorIds: ['html'], extensions: ['.html', '.htm'], open: '<!--', close: '-->' },
  ],
};
