# Connection settings for the third-party app (wsvincent/djangoforbeginners ch15-newspaper-comments), outside its tree.
import os
from django_project.settings import *  # noqa
INSTALLED_APPS = [a for a in INSTALLED_APPS if not a.startswith('crispy')]  # form styling only; not installed here
DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': os.environ['PGDATABASE'], 'HOST': os.environ.get('PGHOST', '127.0.0.1'), 'PORT': os.environ['PGPORT'], 'USER': os.environ.get('PGUSER', 'postgres'), 'PASSWORD': os.environ['PGPASSWORD']}}
ALLOWED_HOSTS = ['*']
