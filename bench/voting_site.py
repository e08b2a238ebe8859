"""Settings for bench/bench_voting.py only: the product's settings with the URLs of voting_site_urls.

Never used by the product. `DJANGO_SETTINGS_MODULE=voting_site` with bench/ and src/ on the path.
"""

from __future__ import annotations

from buurtbudget.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
SECRET_KEY = "bench-only-" + "k" * 60  # the bench process and gunicorn must agree (stemcode HMACs)
ROOT_URLCONF = "voting_site_urls"
BUURTBUDGET_REQUIRE_STAFF_2FA = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
}
