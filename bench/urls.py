"""The production URLs, plus the benchmark's yardstick pages (never mounted in production).

The access policy refuses any URL it has no entry for (access.middleware.PolicyMiddleware), so the yardsticks
get entries here, in the benchmark's process only: the minimal page and the scoped admin as the case list
(whoever may list cases), the empty page as the start page, the plain admin as user administration.
"""

from django.urls import path

from access import policy
from cmm.urls import urlpatterns as production_urlpatterns

from .admin import plain_site as bench_plain_admin_site
from .admin import site as bench_admin_site
from .views import chrome, minimal_case_rows

urlpatterns = [
    path("bench/minimal/", minimal_case_rows, name="bench-minimal"),
    path("bench/chrome/", chrome, name="bench-chrome"),
    path("bench/admin/", bench_admin_site.urls),
    path("bench/plain-admin/", bench_plain_admin_site.urls),
    *production_urlpatterns,
]

policy.ROUTES.update(
    {
        "bench-minimal": policy.Route(policy.Action.LIST_CASES),
        "bench-chrome": policy.Route(policy.Action.HOME),
    }
)
policy.ROUTE_NAMESPACES.update(
    {
        bench_admin_site.name: policy.Route(policy.Action.LIST_CASES),
        bench_plain_admin_site.name: policy.Route(policy.Action.MANAGE_USERS),
    }
)
