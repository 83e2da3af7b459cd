"""A test client whose POSTs to the collect URL take `CollectFastPath`'s way, as on the site."""

from django.test import Client
from django.test.client import ClientHandler

from cityux_analytics.wsgi import CollectOnly, collect_path, is_collect_post


class _CollectClientHandler(CollectOnly, ClientHandler):
    pass


class _RoutingClientHandler(ClientHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.collect = _CollectClientHandler(*args, **kwargs)

    def __call__(self, environ):
        if is_collect_post(environ, collect_path()):
            return self.collect(environ)
        return super().__call__(environ)


class FastPathClient(Client):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.handler = _RoutingClientHandler(self.handler.enforce_csrf_checks)
