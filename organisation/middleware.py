from django.utils.functional import SimpleLazyObject

from organisation.scope import build_scope


class ScopeMiddleware:
    """Attach ``request.scope`` (role + territory), built lazily once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: build_scope(request.user))
        return self.get_response(request)
