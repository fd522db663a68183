from django.urls import path

from . import api

urlpatterns = [
    path("cases/<str:number>/assessment/", api.AssessmentApi.as_view(), name="case-assessment"),
    path("cases/<str:number>/period/", api.PeriodGrantApi.as_view(), name="case-period"),
    path("cases/<str:number>/period/extensions/", api.PeriodExtendApi.as_view(), name="case-period-extensions"),
]
