"""The production URLs, plus the benchmark's yardstick pages (never mounted in production)."""

from django.urls import path

from cmm.urls import urlpatterns as production_urlpatterns

from .admin import site as bench_admin_site
from .views import chrome, minimal_case_rows

urlpatterns = [
    path("bench/minimal/", minimal_case_rows, name="bench-minimal"),
    path("bench/chrome/", chrome, name="bench-chrome"),
    path("bench/admin/", bench_admin_site.urls),
    *production_urlpatterns,
]
