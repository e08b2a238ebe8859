"""/<gemeente>/beheer/buurtbudget/<pk>/stemmen/: register, letters, codes, help desk and count."""

from django.urls import path

from . import views

urlpatterns = [
    path("register/", views.register, name="voting_register"),
    path("register/voorbeeld.csv", views.register_example, name="voting_register_example"),
    path("brieven/", views.letters_start, name="voting_letters_start"),
    path("brieven/<int:job>/", views.letters, name="voting_letters"),
    path("brieven/<int:job>/stemcodes.pdf", views.letters_pdf, name="voting_letters_pdf"),
    path("brieven/<int:job>/verwijderen/", views.letters_delete, name="voting_letters_delete"),
    path("codes/", views.codes, name="voting_codes"),
    path("codes/<int:entry>/blokkeren/", views.block, name="voting_block"),
    path("balie/", views.helpdesk, name="voting_helpdesk"),
    path("uitslag/", views.staff_result, name="voting_staff_result"),
]
