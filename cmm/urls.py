from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as accounts_views
from accounts.middleware import otp_not_required
from audit import views as audit_views
from ops import job_views

# No Django admin: users are managed in the accounts pages (audited, with a second person for case roles), and
# /admin/ and /admin/login/ answer 404 like any address that does not exist.
urlpatterns = [
    path("", include("cases.urls")),
    path("", include("identification.urls")),
    path("", include("grants.urls")),
    path("", include("support.urls")),  # its pages and its API (/api/v1/...)
    path("", include("repatriation.urls")),
    path("", include("reminders.urls")),
    path("", include("outreach.urls")),
    path("", include("reporting.summary_urls")),  # the case summary PDF (/sager/<number>/resume.pdf)
    path("", include("reporting.urls")),
    path("", include("intake.urls")),  # the anonymous report form (public) and CMM's triage
    path("revision/", include("audit.urls")),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", accounts_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("csp-report/", audit_views.csp_report, name="csp_report"),
    path("sikkerhed/csp-rapporter/", audit_views.csp_report_list, name="csp_reports"),
    path("drift/job/", job_views.job_status, name="job_status"),
    path("i18n/setlang/", otp_not_required(login_not_required(set_language)), name="set_language"),
    path("api/v1/", include("cases.api_urls")),
    path("api/v1/", include("identification.api_urls")),
    path("api/v1/", include("grants.api_urls")),
    path("api/v1/", include("repatriation.api_urls")),
    path("", include("ops.urls")),  # /health/live and /health/ready, for the container and the proxy
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

# For /api/ the API's error shape; pages in the design system (the 500 page shows the request id).
handler400 = "cmm.errors.bad_request"
handler404 = "cmm.errors.not_found"
handler500 = "cmm.errors.server_error"
