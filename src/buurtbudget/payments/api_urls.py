from django.urls import path

from . import api

urlpatterns = [
    path("vouchers/", api.VoucherList.as_view(), name="api-vouchers"),
    path("gemeenten/<slug:gemeente>/regelingen/", api.SchemeTotalsList.as_view(), name="api-scheme-totals"),
]
