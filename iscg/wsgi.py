"""WSGI entry point (gunicorn iscg.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iscg.settings")
application = get_wsgi_application()
