from django.urls import path

from . import views

app_name = "vouchers"

urlpatterns = [
    path("verificatie/<str:code>/", views.verify, name="verify"),
    path("mijn/vouchers/<str:code>/", views.detail, name="detail"),
    path("mijn/vouchers/<str:code>/pdf/", views.pdf, name="pdf"),
]
