from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("varsler/", views.notification_list, name="list"),
    path("varsler/email/", views.preferences, name="preferences"),
    path("varsler/ikke-sendt/", views.failed_list, name="failed"),
    path("varsler/ikke-sendt/<int:pk>/send-igen/", views.resend, name="resend"),
    path("varsler/<int:pk>/", views.notification_detail, name="detail"),
    path("varsler/<int:pk>/kvitter/", views.acknowledge, name="acknowledge"),
]
