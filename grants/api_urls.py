from django.urls import path

from . import api

urlpatterns = [
    path("cases/<str:number>/shares/", api.ShareCreateApi.as_view(), name="case-shares"),
    path(
        "cases/<str:number>/shares/<int:share_id>/withdraw/",
        api.ShareWithdrawApi.as_view(),
        name="case-share-withdraw",
    ),
    path("cases/<str:number>/handover/", api.HandoverRequestApi.as_view(), name="case-handover"),
    path("cases/<str:number>/handover/decision/", api.HandoverDecisionApi.as_view(), name="case-handover-decision"),
    path("cases/<str:number>/residence-status/", api.ResidenceStatusChangeApi.as_view(), name="case-residence-status"),
]
