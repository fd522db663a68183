from django.urls import path

from . import views

app_name = "identification"

urlpatterns = [
    path("sager/<str:number>/vurdering/", views.AssessmentRecordView.as_view(), name="assess"),
    path("sager/<str:number>/periode/", views.PeriodGrantView.as_view(), name="grant_period"),
    path("sager/<str:number>/forlaengelse/", views.PeriodExtendView.as_view(), name="extend_period"),
]
