from django.urls import path

from casework import agenda_views, views

app_name = "casework"

urlpatterns = [
    path("", views.followup_list, name="followup_list"),
    path("accueil/", views.home, name="home"),
    path("nouveau/", views.followup_create, name="followup_create"),
    path("saisine/<uuid:public_id>/", views.followup_open_from_referral, name="followup_open_from_referral"),
    path("departement/", views.department_followups, name="department_followups"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("agenda/jour/", agenda_views.agenda_day, name="agenda_day"),
    path("agenda/semaine/", agenda_views.agenda_week, name="agenda_week"),
    path("agenda/abonnement/", agenda_views.agenda_subscription, name="agenda_subscription"),
    path("agenda/abonnement/<str:token>.ics", agenda_views.agenda_feed, name="agenda_feed"),
    path("personnes/", views.person_list, name="person_list"),
    path("personnes/nouvelle/", views.person_create, name="person_create"),
    path("personnes/<uuid:public_id>/", views.person_detail, name="person_detail"),
    path("personnes/<uuid:public_id>/modifier/", views.person_update, name="person_update"),
    path("personnes/<uuid:public_id>/fusion/", views.person_merge, name="person_merge"),
    path("interventions/<uuid:public_id>/", views.intervention_update, name="intervention_update"),
    path("orientations/<uuid:public_id>/", views.orientation_update_status, name="orientation_update_status"),
    path("<uuid:public_id>/", views.followup_detail, name="followup_detail"),
    path("<uuid:public_id>/modifier/", views.followup_update, name="followup_update"),
    path("<uuid:public_id>/cloture/", views.followup_close, name="followup_close"),
    path("<uuid:public_id>/reouverture/", views.followup_reopen, name="followup_reopen"),
    path("<uuid:public_id>/foyer/", views.followup_add_member, name="followup_add_member"),
    path("<uuid:public_id>/interventions/nouvelle/", views.intervention_create, name="intervention_create"),
    path("<uuid:public_id>/evaluations/nouvelle/", views.assessment_create, name="assessment_create"),
    path("<uuid:public_id>/orientations/nouvelle/", views.orientation_create, name="orientation_create"),
]
