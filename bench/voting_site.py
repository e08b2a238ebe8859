"""Settings for bench/bench_voting.py only: the product's settings, production-like, with the URLs of
voting_site_urls (the product's URLs plus one empty view).

Never used by the product. `DJANGO_SETTINGS_MODULE=voting_site` with bench/ and src/ on the path.
DEBUG off (so templates are cached), persistent database connections, the cache (and with it the stemcode
rate limit) in Redis when BENCH_REDIS_URL or REDIS_URL names one, no request logging.
"""

from __future__ import annotations

import os

from buurtbudget.settings.base import *  # noqa: F403
from buurtbudget.settings.base import DATABASES, TEMPLATES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
SECRET_KEY = "bench-only-" + "k" * 60  # the bench process and gunicorn must agree (stemcode HMACs, cookies)
ROOT_URLCONF = "voting_site_urls"
BUURTBUDGET_REQUIRE_STAFF_2FA = False
DATABASES["default"]["CONN_MAX_AGE"] = None  # one connection per worker thread for the whole run
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
TEMPLATES[0]["APP_DIRS"] = False
TEMPLATES[0]["OPTIONS"]["loaders"] = [
    (
        "django.template.loaders.cached.Loader",
        ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
    )
]
_redis = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL", "")
if _redis:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis,
            "KEY_PREFIX": "bench-voting",
        }
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
}
