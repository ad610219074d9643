from django.urls import path

from conventions import views

app_name = "conventions"

urlpatterns = [
    path("", views.convention_list, name="convention_list"),
    path("nouvelle/", views.convention_create, name="convention_create"),
    path("financeurs/", views.funder_list, name="funder_list"),
    path("financeurs/nouveau/", views.funder_create, name="funder_create"),
    path("departements/<str:code>/", views.department_summary, name="department_summary"),
    path("<uuid:public_id>/", views.convention_detail, name="convention_detail"),
    path("<uuid:public_id>/modifier/", views.convention_update, name="convention_update"),
    path("<uuid:public_id>/annees/<int:year>/", views.funding_year, name="funding_year"),
    path("<uuid:public_id>/annees/<int:year>/copier/", views.funding_year_copy, name="funding_year_copy"),
    path("<uuid:public_id>/paiements/nouveau/", views.payment_create, name="payment_create"),
    path(
        "<uuid:public_id>/paiements/<uuid:payment_id>/supprimer/",
        views.payment_delete,
        name="payment_delete",
    ),
    path("<uuid:public_id>/documents/nouveau/", views.document_create, name="document_create"),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/supprimer/",
        views.document_delete,
        name="document_delete",
    ),
    path("<uuid:public_id>/comites/nouveau/", views.committee_create, name="committee_create"),
    path(
        "<uuid:public_id>/comites/<uuid:committee_id>/bilan/",
        views.committee_bilan_download,
        name="committee_bilan_download",
    ),
]
