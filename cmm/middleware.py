from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

from . import errors


class InputGuardMiddleware:
    """Refuse what no view can use before any view sees it: a NUL in the URL (400), an API body over the limit (413).

    PostgreSQL text cannot hold NUL, so a case number with %00 made the lookup raise (a 500). DRF reads a JSON
    body from the stream itself, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check, which only forms go through.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path_info or "%00" in query or "\x00" in query:
            if errors.is_api(request):
                return errors.api_error(
                    status=400, code="parse_error", detail=gettext("Adressen indeholder et NUL-tegn.")
                )
            return errors.bad_request(request)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not (length.isascii() and length.isdigit()):
            return errors.bad_request(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            # Files are streamed to disk by Django's parser, which limits the other fields itself; the whole
            # body is capped at what the largest upload the API takes can be (repatriation's attachments).
            limit = settings.UPLOAD_REQUEST_MAX_SIZE
        if errors.is_api(request) and limit is not None and int(length) > limit:
            return errors.api_error(
                status=413,
                code="request_too_large",
                detail=gettext("Anmodningen er for stor: højst %(limit)s byte.") % {"limit": limit},
            )
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django and django-csp do not set: the Permissions-Policy, and where CSP reports go (report-to).

    First in the chain, so that every answer carries them, static files and refusals too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # The CSP's report-to names this endpoint; report-uri gives the same path to older browsers.
        response.headers.setdefault("Reporting-Endpoints", f'csp="{reverse("csp_report")}"')
        return response


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
