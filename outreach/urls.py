from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("politiaktioner/", views.operation_list, name="operations"),
    path("politiaktioner/ny/", views.notice_create, name="notice_create"),
    path("politiaktioner/mine/", views.own_notices, name="own_notices"),
    path("politiaktioner/<int:pk>/", views.operation_detail, name="operation_detail"),
    path("opsoegende-arbejde/", views.tally_list, name="tallies"),
    path("opsoegende-arbejde/ny/", views.tally_create, name="tally_create"),
]
