from django.urls import path

from . import views

app_name = "intake"

# The public pages live under /indberet/ (settings.AUDIT_ADDRESS_FREE_PATHS: no address in the audit log).
urlpatterns = [
    path("indberet/", views.report_form, name="report_form"),
    path("indberet/opfoelgning/", views.follow_up, name="follow_up"),
    path("visitation/", views.queue, name="queue"),
    path("visitation/<int:pk>/", views.report_detail, name="report"),
    path("visitation/<int:pk>/henvisning/", views.referral, name="referral"),
    path("hotline/ny/", views.hotline_call, name="hotline_call"),
]
