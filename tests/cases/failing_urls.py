"""The project's URLs and two that fail with an unhandled exception, to see what a 500 answers."""

from django.urls import path
from rest_framework.views import APIView

from cmm.urls import handler400, handler404, handler500  # noqa: F401
from cmm.urls import urlpatterns as project_urlpatterns


def fails(request):
    raise RuntimeError("a bug")


class FailsApi(APIView):
    def get(self, request):
        raise RuntimeError("a bug in the API")


# Named as a public route, so that the policy lets them through to fail.
urlpatterns = [
    path("fejl/", fails, name="login"),
    path("api/v1/fejl/", FailsApi.as_view(), name="login"),
    *project_urlpatterns,
]
