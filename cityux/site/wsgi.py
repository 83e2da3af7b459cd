import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityux.settings.dev")

from cityux_analytics.wsgi import CollectFastPath  # noqa: E402  (needs the settings module)

application = CollectFastPath(get_wsgi_application())
