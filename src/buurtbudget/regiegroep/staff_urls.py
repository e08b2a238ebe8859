"""/<gemeente>/beheer/regiegroep/: the regiegroep's work queue, assessments, meetings and members."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.queue, name="regiegroep_queue"),
    path("leden/", views.groups, name="regiegroep_groups"),
    path("leden/<int:pk>/beeindigen/", views.end_membership, name="regiegroep_end_membership"),
    path("initiatief/<int:pk>/", views.initiative_detail, name="regiegroep_initiative"),
    path("initiatief/<int:pk>/beoordelen/", views.assess, name="regiegroep_assess"),
    path("initiatief/<int:pk>/belang/", views.declare_interest, name="regiegroep_interest"),
    path("initiatief/<int:pk>/termijn/", views.extend_term, name="regiegroep_extend_term"),
    path("initiatief/<int:pk>/raadpleging/", views.open_consultation, name="regiegroep_open_consultation"),
    path(
        "initiatief/<int:pk>/raadpleging/<int:consultation_pk>/publiceren/",
        views.publish_consultation,
        name="regiegroep_publish_consultation",
    ),
    path("regeling/<int:scheme_pk>/vergadering/", views.meeting_new, name="regiegroep_meeting_new"),
    path("vergadering/<int:pk>/", views.meeting_detail, name="regiegroep_meeting"),
    path("vergadering/<int:pk>/aanwezig/", views.meeting_attendance, name="regiegroep_attendance"),
    path("vergadering/<int:pk>/agenda/", views.meeting_agenda, name="regiegroep_agenda"),
    path("vergadering/<int:pk>/notulen/", views.meeting_minutes, name="regiegroep_minutes"),
    path(
        "vergadering/<int:pk>/besluit/<int:initiative_pk>/",
        views.meeting_decide,
        name="regiegroep_decide",
    ),
]
