from django.urls import include, path

from buurtbudget.areas.public_views import postcode_check

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("<slug:gemeente>/", views.municipality_home, name="municipality"),
    path("<slug:gemeente>/theme.css", views.theme_css, name="theme"),
    path("<slug:gemeente>/gebied/<slug:area>/", views.area_page, name="area"),
    path("<slug:gemeente>/postcodecheck/", postcode_check, name="postcode_check"),
    path("<slug:gemeente>/buurtbudget/", include("buurtbudget.rounds.urls")),
    path("<slug:gemeente>/stemmen/", include("buurtbudget.voting.urls")),
    path("<slug:gemeente>/raadpleging/", include("buurtbudget.consultations.urls")),
    path("<slug:gemeente>/cocreatie/", include("buurtbudget.cocreation.urls")),
    path("<slug:gemeente>/bewonersgroep/", include("buurtbudget.community.urls")),
    path("<slug:gemeente>/beheer/", include("buurtbudget.core.staff_urls")),
]
