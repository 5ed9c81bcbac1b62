/**
 * Implicit N+1 in Jinja templates (issue 14, tmpl21): a Flask / FastAPI view renders a template with a SQLAlchemy
 * query's rows and the template reads, per item, a relationship the query did not load. Reported on the view's query,
 * with the template line as the related place. Fails on 7672ce72 (no Jinja template was read).
 */
import { strict as assert } from 'node:assert';
import { JinjaViews, jinjaTags } from '../../../../src/core/nplusone/jinjaViews';
import { nPlusOneAnalyzer } from '../../../../src/core/nplusone/analyzer';
import { scanFiles } from '../../../../src/core/scan';

const MODELS = `from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64))
    posts = db.relationship('Post', backref='author', lazy='dynamic')


class Category(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    posts = db.relationship('Post', back_populates='category')


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.Integer, db.ForeignKey('user.id'))
    category_id = db.Column(db.Integer, db.ForeignKey('category.id'))
    category = db.relationship('Category', back_populates='posts')
    comments = db.relationship('Comment', backref='post', lazy='dynamic')
    tags = db.relationship('Tag', secondary=post_tags, lazy='selectin')
    editor = db.relationship('User', foreign_keys=[author_id], lazy='raise')


class Comment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.Integer, db.ForeignKey('post.id'))
    user_id = db.Column(db.Integer, db.ForeignKey('user.id'))
    user = db.relationship('User')
`;

const POSTS_TEMPLATE = '{% for post in posts %}\n  <b>{{ post.author.username }}</b> in {{ post.category.name }}\n{% endfor %}\n';

async function run(files: Record<string, string>) {
  const v = new JinjaViews();
  for (const [file, text] of Object.entries(files)) {
    if (file.endsWith('.py')) v.addPython(file, text);
    else v.addTemplate(file, text);
  }
  return (await v.findings()).map((f) => ({
    at: `${f.file}:${files[f.file!].slice(f.span.start, f.span.end)}`,
    related: `${f.related?.[0]?.file}:${f.related?.[0]?.line}`,
    title: (f.evidence as { rewrite: { title: string } }).rewrite.title,
    ...(f.context ? { context: f.context } : {}),
  }));
}

describe('core/nplusone Jinja templates (Flask, FastAPI)', () => {

  it('reads statements and expressions with their offsets, comments and raw blocks left out', () => {
    const t = '{# {% for x in y %} #}{% raw %}{{ a.b }}{% endraw %}{%- for p in posts -%}{{ p.author }}{% endfor %}';
    assert.deepEqual(jinjaTags(t).map((x) => [x.kind, x.text.trim(), t.slice(x.at, x.at + x.text.length) === x.text]), [['stmt', 'for p in posts', true], ['expr', 'p.author', true], ['stmt', 'endfor', true]]);
  });

  it('Model.query paginated, `.items` in a template included per page: the many-to-one read per item, at the view\'s query', async () => {
    const f = await run({
      'app/models.py': MODELS,
      'app/main/views.py': "from flask import render_template\n\n\ndef index():\n    pagination = Post.query.order_by(Post.id.desc()).paginate(page=1, per_page=20)\n    return render_template('index.html', pagination=pagination)\n",
      'app/templates/index.html': '{% extends "base.html" %}\n{% block content %}\n{% for post in pagination.items %}\n  {% include "_post.html" %}\n{% endfor %}\n{% endblock %}\n',
      'app/templates/_post.html': '<p>{{ post.author.username }}: {{ post.body }}</p>\n<p>{{ post.tags|length }} tags, by {{ post.editor }}</p>\n',
      'app/templates/base.html': '<html>{% block content %}{% endblock %}</html>\n',
    });
    // post.tags is lazy='selectin' and post.editor lazy='raise': no query per item.
    assert.deepEqual(f, [{ at: 'app/main/views.py:Post.query.order_by(Post.id.desc()).paginate(page=1, per_page=20)', related: 'app/templates/_post.html:1', title: 'Load Post.author with the query: .options(joinedload(Post.author))' }]);
  });

  it('select(Model) handed to db.paginate / session.scalars: reported on the select; its options and the model\'s lazy= are read', async () => {
    const view = (q: string) => `import sqlalchemy as sa\nfrom flask import render_template\n\n\ndef explore():\n    query = ${q}\n    posts = db.paginate(query, page=1)\n    return render_template('list.html', posts=posts.items)\n`;
    const files = (q: string) => ({ 'app/models.py': MODELS, 'app/views.py': view(q), 'app/templates/list.html': POSTS_TEMPLATE });
    assert.deepEqual((await run(files('sa.select(Post).order_by(Post.id)'))).map((x) => [x.at, x.title]), [
      ['app/views.py:sa.select(Post).order_by(Post.id)', 'Load Post.author with the query: .options(joinedload(Post.author))'],
      ['app/views.py:sa.select(Post).order_by(Post.id)', 'Load Post.category with the query: .options(joinedload(Post.category))'],
    ]);
    assert.deepEqual(await run(files('sa.select(Post).options(so.joinedload(Post.author), so.selectinload(Post.category))')), []);
  });

  it('a query chain written in parentheses over several lines is the query (held-out-w after its blind run: flaskbb\'s unread reports)', async () => {
    const f = await run({
      'app/models.py': MODELS,
      'app/views.py': "def index():\n    posts = (\n        Post.query.filter(Post.id > 0)\n        .order_by(Post.id.desc())\n        .paginate(page=1, per_page=20)\n    )\n    return render_template('list.html', posts=posts.items)\n",
      'app/templates/list.html': POSTS_TEMPLATE,
    });
    assert.deepEqual(f.map((x) => x.related), ['app/templates/list.html:2', 'app/templates/list.html:2']);
    assert.match(f[0].at, /^app\/views\.py:Post\.query\.filter/);
  });

  it('rows of several entities (`select(Post, Comment)`) unpacked in the loop: each target is its entity', async () => {
    const f = await run({
      'app/models.py': MODELS,
      'app/views.py': "def tracker():\n    stmt = (\n        db.select(Post, Comment)\n        .outerjoin(Comment, Comment.post_id == Post.id)\n        .options(db.joinedload(Post.author), db.joinedload(Post.category))\n    )\n    rows = paginate(stmt, page=1, per_page=20)\n    return render_template('tracker.html', rows=rows)\n",
      'app/templates/tracker.html': '{% for post, comment in rows.items %}{{ post.author.username }} {{ comment.user.username }}{% endfor %}\n',
    });
    assert.deepEqual(f.map((x) => x.title), ['Load Comment.user with the query: .options(joinedload(Comment.user))']);
  });

  it('a model method that runs its own query (a mixin\'s search, a paginated classmethod): reported at its statement; an include through a theme helper is followed', async () => {
    const f = await run({
      'app/models.py': MODELS + '\n\nclass SearchableMixin:\n    @classmethod\n    def search(cls, expression, page):\n        query = sa.select(cls).where(cls.id.in_(ids_for(expression)))\n        return db.session.scalars(query), 10\n',
      'app/views.py': "def search():\n    posts, total = Post.search(request.args['q'], 1)\n    return render_template('search.html', posts=posts)\n",
      'app/templates/search.html': '{% for post in posts %}{% include theme("_row.html") %}{% endfor %}\n',
      'app/templates/_row.html': '{{ post.author.username }}\n',
    });
    assert.deepEqual(f.map((x) => [x.at, x.related]), [['app/models.py:sa.select(cls).where(cls.id.in_(ids_for(expression)))', 'app/templates/_row.html:1']]);
  });

  it('a lazy="dynamic" relationship read per item is a query per item that no eager load serves', async () => {
    const f = await run({
      'app/models.py': MODELS,
      'app/views.py': "def index():\n    posts = Post.query.options(joinedload(Post.author), joinedload(Post.category)).all()\n    return render_template('list.html', posts=posts)\n",
      'app/templates/list.html': '{% for post in posts %}{{ post.comments.count() }} comments{% endfor %}\n',
    });
    assert.deepEqual(f.map((x) => x.title), ["Query Post.comments once for every item (lazy='dynamic' takes no eager load)"]);
  });

  it('rows read through their owner\'s relationship or with_parent: the owner is in the session, no query', async () => {
    const f = await run({
      'app/models.py': MODELS,
      'app/views.py': [
        'def category(category_id):',
        '    category = Category.query.get_or_404(category_id)',
        '    posts = Post.query.with_parent(category).all()',
        "    return render_template('category.html', posts=posts)",
        '',
        '',
        'def user_page(username):',
        '    user = User.query.filter_by(username=username).first_or_404()',
        '    posts = user.posts.order_by(Post.id.desc()).all()',
        "    return render_template('user.html', posts=posts)",
        '',
      ].join('\n'),
      'app/templates/category.html': '{% for post in posts %}{{ post.category.name }} {{ post.author.username }}{% endfor %}\n',
      'app/templates/user.html': '{% for post in posts %}{{ post.author.username }} {{ post.category.name }}{% endfor %}\n',
    });
    assert.deepEqual(f.map((x) => `${x.at} ${x.title}`), [
      'app/views.py:Post.query.with_parent(category).all() Load Post.author with the query: .options(joinedload(Post.author))',
      'app/views.py:user.posts.order_by(Post.id.desc()).all() Load Post.category with the query: .options(joinedload(Post.category))',
    ]);
  });

  it('chains and nested loops: each lazy relationship down the path, loaded along it; one object\'s collection read per item below it', async () => {
    const f = await run({
      'app/models.py': MODELS,
      'app/views.py': [
        'def show(post_id):',
        '    post = Post.query.get_or_404(post_id)',
        "    return render_template('show.html', post=post)",
        '',
      ].join('\n'),
      'app/templates/show.html': '{{ post.author.username }}\n{% for c in post.comments %}\n  {{ c.user.username }}\n{% endfor %}\n',
    });
    assert.deepEqual(f, [{ at: 'app/views.py:Post.query.get_or_404(post_id)', related: 'app/templates/show.html:3', title: 'Load Comment.user with the query: .options(selectinload(Post.comments).joinedload(Comment.user))' }]);
  });

  it('macros called with a loop item, FastAPI TemplateResponse, and a context processor (every page: request context)', async () => {
    const f = await run({
      'app/models.py': MODELS,
      'app/api.py': [
        'async def comments(request: Request, session: Session):',
        '    rows = session.scalars(select(Comment).order_by(Comment.id)).all()',
        '    return templates.TemplateResponse("comments.html", {"request": request, "comments": rows})',
        '',
        '',
        '@app.context_processor',
        'def inject():',
        '    categories = Category.query.order_by(Category.id).all()',
        '    return dict(categories=categories)',
        '',
      ].join('\n'),
      'app/templates/macros.html': '{% macro comment_row(item) %}<td>{{ item.user.username }}</td>{% endmacro %}\n',
      'app/templates/comments.html': '{% import "macros.html" as m %}\n{% for c in comments %}{{ m.comment_row(c) }}{% endfor %}\n',
      'app/templates/sidebar.html': '{% for category in categories %}{{ category.posts|length }}{% endfor %}\n',
    });
    assert.deepEqual(f, [
      { at: 'app/api.py:session.scalars(select(Comment).order_by(Comment.id)).all()', related: 'app/templates/macros.html:1', title: 'Load Comment.user with the query: .options(joinedload(Comment.user))' },
      { at: 'app/api.py:Category.query.order_by(Category.id).all()', related: 'app/templates/sidebar.html:1', title: 'Load Category.posts with the query: .options(selectinload(Category.posts))', context: 'request' },
    ]);
  });

  it('a template under templates/ is read by the scan\'s N+1 analyzer with the views and models', async () => {
    const files = [
      { path: 'app/models.py', text: MODELS },
      { path: 'app/views.py', text: "def index():\n    posts = Post.query.all()\n    return render_template('list.html', posts=posts)\n" },
      { path: 'app/templates/list.html', text: POSTS_TEMPLATE },
    ];
    const r = await scanFiles(files, { analyzers: [nPlusOneAnalyzer()], extract: async () => [] });
    const implicit = r.findings.filter((x) => (x.evidence as { implicit?: boolean } | undefined)?.implicit);
    assert.deepEqual(implicit.map((x) => `${x.file} ${x.severity} ${x.message}`), [
      'app/views.py warning N+1 query (template): app/templates/list.html:2 reads `post.author.username` once per item of `posts`; this query does not load Post.author.',
      'app/views.py warning N+1 query (template): app/templates/list.html:2 reads `post.category.name` once per item of `posts`; this query does not load Post.category.',
    ]);
  });
});
