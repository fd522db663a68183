"""The support pages (namespace "support") and the support API (names of their own, as the other APIs')."""

from django.urls import include, path

from . import api, views

pages = [
    path("sager/<str:number>/stoette/", views.services_page, name="services"),
    path("sager/<str:number>/stoette/ny/", views.SupportServiceRecordView.as_view(), name="service_record"),
    path("sager/<str:number>/stoette/<int:pk>/", views.SupportServiceUpdateView.as_view(), name="service_update"),
    path("sager/<str:number>/handlingsplan/", views.plan_history, name="plan_history"),
    path("sager/<str:number>/handlingsplan/ny-udgave/", views.ActionPlanEditView.as_view(), name="plan_edit"),
    path("sager/<str:number>/handlingsplan/<int:version>/", views.plan_version, name="plan_version"),
    path("sager/<str:number>/handlingsplan/<int:version>/pdf/", views.plan_pdf, name="plan_pdf"),
]
api_patterns = [
    path("cases/<str:number>/support-services/", api.SupportServiceListApi.as_view(), name="support-service-list"),
    path(
        "cases/<str:number>/support-services/<int:pk>/",
        api.SupportServiceUpdateApi.as_view(),
        name="support-service-update",
    ),
    path(
        "cases/<str:number>/action-plan/versions/",
        api.ActionPlanVersionListApi.as_view(),
        name="action-plan-version-list",
    ),
]
urlpatterns = [
    path("", include((pages, "support"))),
    path("api/v1/", include(api_patterns)),
]
