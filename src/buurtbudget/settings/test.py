"""Settings for the test suite: fast hashing, in-memory e-mail, eager tasks."""

from .base import *  # noqa: F403
from .base import STATIC_ROOT, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = VAR_DIR / "test-media"
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
# WhiteNoise warns on every request while STATIC_ROOT does not exist (before collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
