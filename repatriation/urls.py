from django.urls import path

from . import views

app_name = "repatriation"

urlpatterns = [
    path("sager/<str:number>/dublin/", views.DublinRecordView.as_view(), name="record_dublin"),
    path("sager/<str:number>/hjemrejse/tilbud/", views.OfferView.as_view(), name="offer"),
    path("sager/<str:number>/hjemrejse/svar/", views.DecisionView.as_view(), name="decide"),
    path("sager/<str:number>/hjemrejse/plan/", views.PlanView.as_view(), name="plan"),
    path("sager/<str:number>/hjemrejse/stoette/", views.SupportView.as_view(), name="support"),
    path("sager/<str:number>/hjemrejse/hjemkomst/", views.ReturnView.as_view(), name="return"),
    path("sager/<str:number>/opfoelgning/", views.reports, name="reports"),
    path("sager/<str:number>/opfoelgning/ny/", views.FollowUpReportAddView.as_view(), name="report_add"),
    path(
        "sager/<str:number>/opfoelgning/bilag/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
