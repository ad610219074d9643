from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("accueil/", views.police_home, name="home"),
    path("nouvelle/", views.create, name="create"),
    path("a-traiter/", views.queue, name="queue"),
    path("departement/", views.overview, name="overview"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/confirmation/", views.confirmation, name="confirmation"),
    path("<uuid:public_id>/relecture/", views.filed, name="filed"),
    path("<uuid:public_id>/retrait/", views.withdraw, name="withdraw"),
    path("<uuid:public_id>/complement/", views.add_information, name="add_information"),
    path("<uuid:public_id>/reception/", views.receive, name="receive"),
    path("<uuid:public_id>/prise-en-charge/", views.take_up, name="take_up"),
    path("<uuid:public_id>/cloture/", views.close, name="close"),
    path("<uuid:public_id>/grille/", views.grid_create, name="grid_create"),
]
