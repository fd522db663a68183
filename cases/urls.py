from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("sager/", views.case_list, name="list"),
    path("sager/ny/", views.referral_create, name="referral_create"),
    path("mine-sager/", views.my_cases, name="my_cases"),
    path("mine-henvisninger/", views.own_referrals, name="own_referrals"),
    path("sager/<str:number>/", views.case_detail, name="detail"),
    path("sager/<str:number>/underretning/", views.NotificationRecordView.as_view(), name="record_notification"),
]
