from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("coordination/", views.coordinator_home, name="coordinator_home"),
    path("financement/", views.funder_home, name="funder_home"),
    path("paiements-dus/", views.payments_due_list, name="payments_due"),
]
