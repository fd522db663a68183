from django.urls import path

from . import api, lifecycle_api

urlpatterns = [
    path("cases/", api.CaseListCreateApi.as_view(), name="case-list"),
    path("cases/search/", api.CaseSearchApi.as_view(), name="case-search"),
    path("cases/<str:number>/", api.CaseDetailApi.as_view(), name="case-detail"),
    path("cases/<str:number>/events/", api.CaseEventListApi.as_view(), name="case-events"),
    path("cases/<str:number>/notification/", api.NotificationApi.as_view(), name="case-notification"),
    path("cases/<str:number>/contact-person/", lifecycle_api.ContactPersonApi.as_view(), name="case-contact-person"),
    path("cases/<str:number>/representatives/", lifecycle_api.RepresentativeApi.as_view(), name="case-representative"),
    path("cases/<str:number>/close/", lifecycle_api.CaseCloseApi.as_view(), name="case-close"),
    path("deadlines/", api.DeadlineListApi.as_view(), name="deadline-list"),
    path("referrals/mine/", api.OwnReferralListApi.as_view(), name="referral-own-list"),
]
