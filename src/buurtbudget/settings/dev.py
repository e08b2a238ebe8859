"""The one-machine demo: DEBUG, embedded SQLite unless DATABASE_URL is set, console e-mail, eager tasks."""

from .base import *  # noqa: F403
from .base import LOGGING, STATIC_ROOT
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
BUURTBUDGET_REQUIRE_STAFF_2FA = env_bool("REQUIRE_STAFF_2FA", False)
# WhiteNoise warns on every request while STATIC_ROOT does not exist (before collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WeasyPrint logs every PDF step at INFO; the demo console should show requests, not that.
LOGGING = {**LOGGING, "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}}}
