from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("statistik/", views.report_list, name="list"),
    path("statistik/<int:pk>/", views.report_detail, name="detail"),
    path("statistik/<int:pk>/status/", views.report_progress, name="progress"),
    path("statistik/<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("statistik/<int:pk>/csv/", views.report_csv, name="csv"),
]
