from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.SignInView.as_view(), name="login"),
    path("connexion/verification/", views.verify, name="verify"),
    path("deconnexion/", views.SignOutView.as_view(), name="logout"),
    path("compte/double-authentification/", views.enrol, name="enrol"),
    path("compte/securite/", views.security, name="security"),
    path("compte/codes-de-secours/", views.backup_codes_regenerate, name="backup_codes_regenerate"),
    path("compte/double-authentification/reinitialiser/", views.second_factor_reset, name="second_factor_reset"),
    path("compte/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe-oublie/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe-oublie/termine/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
