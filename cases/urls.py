from django.urls import path

from . import lifecycle_views, views

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("sager/", views.case_list, name="list"),
    path("sager/ny/", views.referral_create, name="referral_create"),
    path("mine-sager/", views.my_cases, name="my_cases"),
    path("mine-henvisninger/", views.own_referrals, name="own_referrals"),
    path("mulige-dubletter/", views.duplicate_queue, name="duplicates"),
    path("sager/<str:number>/", views.case_detail, name="detail"),
    path("sager/<str:number>/underretning/", views.NotificationRecordView.as_view(), name="record_notification"),
    path(
        "sager/<str:number>/kontaktperson/",
        lifecycle_views.ContactPersonAssignView.as_view(),
        name="assign_contact_person",
    ),
    path(
        "sager/<str:number>/repraesentant/",
        lifecycle_views.RepresentativeRecordView.as_view(),
        name="record_representative",
    ),
    path("sager/<str:number>/afslut/", lifecycle_views.CaseCloseView.as_view(), name="close"),
    path("kontaktpersoner/flyt-sager/", lifecycle_views.CasesMoveView.as_view(), name="move_cases"),
]
