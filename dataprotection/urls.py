from django.urls import path

from dataprotection import views

app_name = "dataprotection"

urlpatterns = [
    path("journal/", views.journal, name="journal"),
    path("droit-d-acces/", views.access_request, name="access_request"),
    path("droit-d-acces/<uuid:public_id>.<str:fmt>", views.person_export, name="person_export"),
]
