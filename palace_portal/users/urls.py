from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .models import OneTimeCode

app_name = "users"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    # POST only (Django's LogoutView refuses GET), so a link or an image cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path(
        "signup/send-code/",
        views.send_code,
        {"purpose": OneTimeCode.Purpose.SIGNUP},
        name="signup_send_code",
    ),
    path("profile/", views.profile, name="profile"),
    path("welcome/", views.welcome, name="welcome"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path(
        "password/reset/send-code/",
        views.send_code,
        {"purpose": OneTimeCode.Purpose.PASSWORD_RESET},
        name="password_reset_send_code",
    ),
]
