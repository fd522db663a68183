from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("konto/to-faktor/", views.OTPVerifyView.as_view(), name="verify"),
    path("konto/to-faktor/opsaet/", views.OTPEnrolView.as_view(), name="enrol"),
]
