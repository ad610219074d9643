from django.urls import path

from organisation import post_views, views

app_name = "organisation"

urlpatterns = [
    path("departements/", views.department_list, name="department_list"),
    path("departements/<str:code>/", views.department_detail, name="department_detail"),
    path("postes/<uuid:public_id>/", views.post_detail, name="post_detail"),
    path("postes/<uuid:public_id>/couverture/", post_views.post_arrangement, name="post_arrangement"),
    path("partenaires/", views.partner_list, name="partner_list"),
    path("partenaires/nouveau/", views.partner_create, name="partner_create"),
    path("partenaires/<uuid:public_id>/", views.partner_detail, name="partner_detail"),
    path("partenaires/<uuid:public_id>/modifier/", views.partner_update, name="partner_update"),
    path("equipe/", views.staff_list, name="staff_list"),
    path("equipe/nouveau/", views.staff_create, name="staff_create"),
    path("equipe/<uuid:public_id>/", views.staff_detail, name="staff_detail"),
    path(
        "equipe/<uuid:public_id>/affectations/<int:assignment_id>/confirmer/",
        views.staff_assignment_confirm,
        name="staff_assignment_confirm",
    ),
    path(
        "equipe/<uuid:public_id>/<slug:action>/",
        views.staff_action,
        name="staff_action",
    ),
]
