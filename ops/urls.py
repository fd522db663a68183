from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("health/live", views.live, name="health_live"),
    path("health/ready", views.ready, name="health_ready"),
]
