# Traffic for a third-party Django app (wsvincent/djangoforbeginners ch15-newspaper-comments), run from its
# checkout (the working folder) by test/realworld/record/score.ts: 6 articles with 2 comments each by two
# users, then the pages a reader opens, through Django's test client (each request is a unit of work).
import os, sys
APP = os.getcwd()
sys.path[:0] = [APP, os.path.dirname(__file__)]
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'newspaper_settings')
import django
django.setup()
from django.core.management import call_command
call_command('migrate', verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
from articles.models import Article, Comment
User = get_user_model()
a, _ = User.objects.get_or_create(username='ada', defaults={'email': 'ada@example.com'})
b, _ = User.objects.get_or_create(username='bob', defaults={'email': 'bob@example.com'})
if not Article.objects.exists():
    for i in range(6):
        art = Article.objects.create(title=f'Article {i}', body='text', author=a if i % 2 else b)
        Comment.objects.create(article=art, comment='first', author=b)
        Comment.objects.create(article=art, comment='second', author=a)
c = Client()
c.force_login(a)
for path in ['/articles/', '/articles/', '/']:  # the detail page loads crispy_forms (not installed here)
    r = c.get(path)
    print(path, r.status_code)
