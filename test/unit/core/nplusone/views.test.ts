/**
 * Implicit N+1 in Rails views (issue 14): the view reads an association per item of a collection
 * the controller loaded without preloading it. Reported on the controller's query, with the view
 * line as the related place.
 */
import { strict as assert } from 'node:assert';
import { RailsViews, erbToRuby } from '../../../../src/core/nplusone/views';

const MODEL_POST = 'class Post < ApplicationRecord\n  belongs_to :author\n  has_many :comments\n  has_many :tags\nend\n';
const controller = (index: string) => `class PostsController < ApplicationController\n  def index\n    @posts = ${index}\n  end\nend\n`;

async function run(files: Record<string, string>) {
  const v = new RailsViews();
  for (const [file, text] of Object.entries(files)) {
    if (file.endsWith('.rb')) v.addRuby(file, text);
    else v.addView(file, text);
  }
  return (await v.findings()).map((f) => ({ file: f.file, text: files[f.file!].slice(f.span.start, f.span.end), related: `${f.related?.[0]?.file}:${files[f.related![0].file!].slice(f.related![0].span!.start, f.related![0].span!.end)}`, title: (f.evidence as { rewrite: { title: string } }).rewrite.title }));
}

describe('core/nplusone Rails views', () => {

  it('ERB becomes Ruby with every offset and line kept', () => {
    const erb = '<ul>\n<% @posts.each do |post| %>\n  <li><%= post.author.name %></li><%# note %>\n<% end %>\n</ul>\n';
    const rb = erbToRuby(erb);
    assert.equal(rb.length, erb.length);
    assert.equal(rb.split('\n').length, erb.split('\n').length);
    assert.equal(rb.indexOf('post.author.name'), erb.indexOf('post.author.name'));
    assert.match(rb, /@posts\.each do \|post\| ;/);
    assert.doesNotMatch(rb, /note|<li>/);
  });

  it('an ERB loop reading an association the controller did not include', async () => {
    const f = await run({
      'app/models/post.rb': MODEL_POST,
      'app/controllers/posts_controller.rb': controller('Post.where(published: true).order(:id)'),
      'app/views/posts/index.html.erb': '<% @posts.each do |post| %>\n  <%= post.title %> by <%= post.author.name %>\n<% end %>\n',
    });
    assert.deepEqual(f, [{ file: 'app/controllers/posts_controller.rb', text: 'Post.where(published: true).order(:id)', related: 'app/views/posts/index.html.erb:post.author', title: 'Preload author with includes' }]);
  });

  it('jbuilder: json.array! with a block and with a partial per item', async () => {
    const files = {
      'app/models/post.rb': MODEL_POST,
      'app/controllers/posts_controller.rb': controller('current_user.posts.includes(:author)'),
      'app/views/posts/index.json.jbuilder': 'json.array! @posts do |post|\n  json.id post.id\n  json.author post.author.name\nend\njson.items @posts, partial: "posts/post", as: :post\n',
      'app/views/posts/_post.json.jbuilder': 'json.tags post.tags.map(&:name)\njson.(post, :id, :title)\n',
    };
    const f = await run(files);
    assert.deepEqual(f.map((x) => x.related), ['app/views/posts/_post.json.jbuilder:post.tags']);
  });

  it('nothing when the relation is preloaded, is not an association, or the assignment is unknown', async () => {
    const view = '<% @posts.each do |post| %><%= post.author.name %><%= post.summary.size %><% end %>';
    assert.deepEqual(await run({ 'app/models/post.rb': MODEL_POST, 'app/controllers/posts_controller.rb': controller('Post.preload(:author, :comments).all'), 'app/views/posts/index.html.erb': view }), []);
    assert.deepEqual(await run({ 'app/models/post.rb': MODEL_POST, 'app/controllers/posts_controller.rb': 'class PostsController < ApplicationController\n  def index\n    load_posts\n  end\nend\n', 'app/views/posts/index.html.erb': view }), []);
    // No model file read: its associations are unknown.
    assert.deepEqual(await run({ 'app/controllers/posts_controller.rb': controller('Post.all'), 'app/views/posts/index.html.erb': view }), []);
  });

  it('render @posts renders posts/_post per item; a before_action setter is the assignment', async () => {
    const f = await run({
      'app/models/post.rb': MODEL_POST,
      'app/controllers/posts_controller.rb': 'class PostsController < ApplicationController\n  before_action :set_posts\n  def index; end\n  private\n  def set_posts\n    @posts = Post.order(created_at: :desc).limit(20)\n  end\nend\n',
      'app/views/posts/index.html.erb': '<%= render @posts %>\n',
      'app/views/posts/_post.html.erb': '<p><%= post.comments.size %> comments</p>\n',
    });
    assert.deepEqual(f.map((x) => [x.text, x.related]), [['Post.order(created_at: :desc).limit(20)', 'app/views/posts/_post.html.erb:post.comments']]);
  });

  it('preloaded through the record the collection comes from, or the owner read back through the inverse: no finding', async () => {
    const files = {
      'app/models/line_item.rb': 'class LineItem < ApplicationRecord\n  belongs_to :item\n  belongs_to :order\nend\n',
      'app/models/order.rb': 'class Order < ApplicationRecord\n  belongs_to :account\n  has_many :line_items\nend\n',
      'app/controllers/orders_controller.rb': 'class OrdersController < ApplicationController\n  def show\n    @order = Order.includes(line_items: :item).find(params[:id])\n    @line_items = @order.line_items\n  end\n  def index\n    @orders = current_account.orders.order(:id)\n  end\nend\n',
      'app/views/orders/show.html.erb': '<% @line_items.each do |li| %><%= li.item.name %><% end %>',
      'app/views/orders/index.html.erb': '<% @orders.each do |o| %><%= o.account.name %><% end %>',
    };
    assert.deepEqual(await run(files), []);
  });

  it('a read under `if current_user == item` runs for one item, not per item', async () => {
    const files = {
      'app/models/post.rb': MODEL_POST,
      'app/controllers/posts_controller.rb': controller('Post.where(id: params[:ids])'),
      'app/views/posts/index.json.jbuilder': 'json.array! @posts do |post|\n  json.tags post.tags.size\n  if current_user && current_user == post\n    json.comments post.comments.size\n  end\nend\n',
    };
    assert.deepEqual((await run(files)).map((x) => x.related), ['app/views/posts/index.json.jbuilder:post.tags']);
  });
});

