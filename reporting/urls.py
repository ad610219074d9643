from django.urls import path

from reporting import adoption_views, document_views, views

app_name = "reporting"

urlpatterns = [
    path("", views.bilan, name="bilan"),
    path("telecharger.<str:fmt>", views.bilan_export, name="bilan_export"),
    path("commentaire/", views.bilan_commentary, name="bilan_commentary"),
    path("adopter/", adoption_views.bilan_adopt, name="bilan_adopt"),
    path("adoptes/", adoption_views.adopted_bilan_list, name="adopted_bilan_list"),
    path("adoptes/<uuid:public_id>/", adoption_views.adopted_bilan_detail, name="adopted_bilan_detail"),
    path(
        "adoptes/<uuid:public_id>/telecharger.<str:fmt>",
        adoption_views.adopted_bilan_export,
        name="adopted_bilan_export",
    ),
    path("documents/<uuid:public_id>/", document_views.document_detail, name="document_detail"),
    path("documents/<uuid:public_id>/telecharger", document_views.document_download, name="document_download"),
    path(
        "cofinancement/convention/<uuid:public_id>.<str:fmt>",
        views.convention_summary_export,
        name="convention_summary_export",
    ),
    path(
        "cofinancement/departement/<str:code>.<str:fmt>",
        views.department_summary_export,
        name="department_summary_export",
    ),
    path(
        "conventions/<uuid:public_id>/comites/<uuid:committee_id>/bilan/",
        views.committee_bilan_generate,
        name="committee_bilan_generate",
    ),
]
