from django.urls import path

from identification import views as identification_views

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("sager/", views.case_list, name="list"),
    path("sager/ny/", views.referral_create, name="referral_create"),
    path("mine-henvisninger/", views.own_referrals, name="own_referrals"),
    path("sager/<str:number>/", views.case_detail, name="detail"),
    path("sager/<str:number>/vurdering/", identification_views.AssessmentRecordView.as_view(), name="assess"),
    path("sager/<str:number>/periode/", identification_views.PeriodGrantView.as_view(), name="grant_period"),
    path(
        "sager/<str:number>/forlaengelse/",
        identification_views.PeriodExtendView.as_view(),
        name="extend_period",
    ),
    path("sager/<str:number>/underretning/", views.NotificationRecordView.as_view(), name="record_notification"),
]
