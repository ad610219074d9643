from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("nouvel-import/", views.upload, name="upload"),
    path("modele.<str:fmt>", views.template_download, name="template"),
    path("<uuid:public_id>/", views.batch_detail, name="batch_detail"),
    path("<uuid:public_id>/confirmer/", views.batch_confirm, name="batch_confirm"),
    path("<uuid:public_id>/annuler/", views.batch_cancel, name="batch_cancel"),
]
