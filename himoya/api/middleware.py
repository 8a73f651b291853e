from django.utils.cache import add_never_cache_headers


class NoStoreApiMiddleware:
    """Forbid caching any API answer: a token's request has no session for NoStoreMiddleware
    to see, and its answers hold case data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            add_never_cache_headers(response)
        return response
