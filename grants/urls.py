from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("sager/<str:number>/deling/", views.ShareCreateView.as_view(), name="share"),
    path("sager/<str:number>/deling/<int:share_id>/tilbagekald/", views.ShareWithdrawView.as_view(), name="withdraw"),
    path("sager/<str:number>/overdragelse/", views.HandoverRequestView.as_view(), name="handover_request"),
    path("sager/<str:number>/overdragelse/afgoer/", views.HandoverDecideView.as_view(), name="handover_decide"),
    path("sager/<str:number>/opholdsgrundlag/", views.ResidenceStatusChangeView.as_view(), name="residence_status"),
    path("noedadgang/", views.break_the_glass, name="break_the_glass"),
    path("noedadgang/gennemgang/", views.emergency_review, name="emergency_review"),
]
