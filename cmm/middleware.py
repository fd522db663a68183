from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Pages about people must never sit in a browser or proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private"
        return response


class LanguageMiddleware:
    """Danish unless the user has chosen English with the language switch (a cookie).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: the staff work in
    Danish, whatever language their browser was installed in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
