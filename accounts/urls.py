from django.urls import path

from . import user_views, views

app_name = "accounts"

urlpatterns = [
    path("konto/to-faktor/", views.OTPVerifyView.as_view(), name="verify"),
    path("konto/to-faktor/opsaet/", views.OTPEnrolView.as_view(), name="enrol"),
    path("konto/bekraeft/", user_views.StepUpView.as_view(), name="step_up"),
    path("konto/adgangskode/<uidb64>/<token>/", user_views.SetPasswordView.as_view(), name="set_password"),
    path("brugere/", user_views.user_list, name="user_list"),
    path("brugere/ny/", user_views.UserCreateView.as_view(), name="user_create"),
    path("brugere/teams/ny/", user_views.TeamCreateView.as_view(), name="team_create"),
    path("brugere/<int:user_id>/", user_views.user_detail, name="user_detail"),
    path("brugere/<int:user_id>/rolle/", user_views.UserRoleView.as_view(), name="user_role"),
    *[
        path(f"brugere/<int:user_id>/{slug}/", user_views.UserActionView.as_view(action=action), name=f"user_{action}")
        for action, slug in [
            ("deactivate", "deaktiver"),
            ("password_reset", "nulstil-adgangskode"),
            ("otp_reset", "nulstil-to-faktor"),
            ("unlock", "ophaev-spaerring"),
            ("logout", "log-ud-overalt"),
            ("cancel_role_request", "annuller-rolleanmodning"),
        ]
    ],
    path("rolleanmodninger/", user_views.role_requests, name="role_requests"),
    path("rolleanmodninger/<int:request_id>/", user_views.RoleRequestDecideView.as_view(), name="role_request_decide"),
]
