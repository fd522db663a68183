"""The case summary PDF under the case's address (namespace "summary"), included from cmm/urls.py."""

from django.urls import path

from . import summary

app_name = "summary"

urlpatterns = [
    path("sager/<str:number>/resume.pdf", summary.case_summary, name="case_pdf"),
]
