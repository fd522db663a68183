from django.urls import path

from . import api

urlpatterns = [
    path("cases/<str:number>/dublin/", api.DublinApi.as_view(), name="case-dublin"),
    path("cases/<str:number>/repatriation/", api.RepatriationDetailApi.as_view(), name="case-repatriation"),
    path("cases/<str:number>/repatriation/offer/", api.OfferApi.as_view(), name="case-repatriation-offer"),
    path("cases/<str:number>/repatriation/decision/", api.DecisionApi.as_view(), name="case-repatriation-decision"),
    path("cases/<str:number>/repatriation/plan/", api.PlanApi.as_view(), name="case-repatriation-plan"),
    path("cases/<str:number>/repatriation/support/", api.SupportApi.as_view(), name="case-repatriation-support"),
    path("cases/<str:number>/repatriation/return/", api.ReturnApi.as_view(), name="case-repatriation-return"),
    path("cases/<str:number>/follow-up-reports/", api.FollowUpReportListApi.as_view(), name="case-follow-up-reports"),
]
