"""Settings come from environment variables; production refuses unsafe defaults and passes --deploy.

Each case evaluates the settings in a fresh Python process, so the environment is exactly what we give.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# Keys that would leak the caller's configuration into the child process.
CONFIG_KEYS = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "REQUIRE_STAFF_2FA",
    "TRUSTED_PROXIES",
    "DJANGO_SETTINGS_MODULE",
    # Set by the browser tests' Playwright fixture in the same worker; never present in a deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def _env(module: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_KEYS}
    env.update(DJANGO_SETTINGS_MODULE=module, BUURTBUDGET_VAR_DIR=str(tmp_path), **extra)
    return env


def _settings(module: str, tmp_path: Path, names: list[str], **extra: str) -> dict[str, object]:
    code = (
        "import json, django\n"
        "from django.conf import settings\n"
        "django.setup()\n"
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(module, tmp_path, **extra),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _secret() -> str:
    return secrets.token_urlsafe(64)


def test_production_passes_check_deploy_without_silencing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "buurtbudget.manage", "check", "--deploy", "--fail-level", "DEBUG"],
        env=_env("buurtbudget.settings.prod", tmp_path, SECRET_KEY=_secret(), ALLOWED_HOSTS="example.org"),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_production_refuses_the_demo_secret_key(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "buurtbudget.manage", "check"],
        env=_env("buurtbudget.settings.prod", tmp_path, ALLOWED_HOSTS="example.org"),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


def test_production_refuses_a_short_secret_key(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "buurtbudget.manage", "check"],
        env=_env("buurtbudget.settings.prod", tmp_path, SECRET_KEY="too-short", ALLOWED_HOSTS="example.org"),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


def test_production_is_https_only_and_never_debug(tmp_path: Path) -> None:
    values = _settings(
        "buurtbudget.settings.prod",
        tmp_path,
        ["DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "ALLOWED_HOSTS"],
        SECRET_KEY=_secret(),
        ALLOWED_HOSTS="example.org",
        DEBUG="1",
    )
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "ALLOWED_HOSTS": ["example.org"],
    }


def test_without_database_url_the_database_is_embedded_sqlite(tmp_path: Path) -> None:
    values = _settings("buurtbudget.settings.dev", tmp_path, ["DATABASES"])
    database = values["DATABASES"]["default"]  # type: ignore[index]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "buurtbudget.sqlite3")


def test_with_database_url_the_database_is_postgresql(tmp_path: Path) -> None:
    values = _settings(
        "buurtbudget.settings.dev",
        tmp_path,
        ["DATABASES"],
        DATABASE_URL="postgres://budget:geheim@db.example.org:5433/buurtbudget",
    )
    database = values["DATABASES"]["default"]  # type: ignore[index]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"], database["USER"]) == (
        "buurtbudget",
        "db.example.org",
        5433,
        "budget",
    )


def test_dutch_first_english_second_amsterdam_time(tmp_path: Path) -> None:
    values = _settings(
        "buurtbudget.settings.prod",
        tmp_path,
        ["TIME_ZONE", "LANGUAGE_CODE", "LANGUAGES", "USE_TZ"],
        SECRET_KEY=_secret(),
    )
    assert values["TIME_ZONE"] == "Europe/Amsterdam"
    assert values["LANGUAGE_CODE"] == "nl"
    assert [code for code, _name in values["LANGUAGES"]] == ["nl", "en"]  # type: ignore[attr-defined]
    assert values["USE_TZ"] is True


@pytest.mark.parametrize(
    ("extra", "eager"),
    [
        ({}, True),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, False),
        ({"CELERY_BROKER_URL": "redis://q:6379/1"}, False),
    ],
)
def test_tasks_run_in_process_only_when_no_broker_is_set(
    tmp_path: Path, extra: dict[str, str], eager: bool
) -> None:
    values = _settings(
        "buurtbudget.settings.dev", tmp_path, ["CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL"], **extra
    )
    assert values["CELERY_TASK_ALWAYS_EAGER"] is eager


def test_the_demo_settings_allow_staff_without_two_factor_and_production_requires_it(tmp_path: Path) -> None:
    dev = _settings("buurtbudget.settings.dev", tmp_path, ["DEBUG", "BUURTBUDGET_REQUIRE_STAFF_2FA"])
    assert dev == {"DEBUG": True, "BUURTBUDGET_REQUIRE_STAFF_2FA": False}
    prod = _settings(
        "buurtbudget.settings.prod", tmp_path, ["BUURTBUDGET_REQUIRE_STAFF_2FA"], SECRET_KEY=_secret()
    )
    assert prod == {"BUURTBUDGET_REQUIRE_STAFF_2FA": True}


def test_trusted_proxies_come_from_the_environment_and_default_to_none(tmp_path: Path) -> None:
    name = ["BUURTBUDGET_TRUSTED_PROXIES"]
    assert _settings("buurtbudget.settings.dev", tmp_path, name) == {name[0]: 0}
    assert _settings("buurtbudget.settings.dev", tmp_path, name, TRUSTED_PROXIES="1") == {name[0]: 1}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=_env("buurtbudget.settings.dev", tmp_path, TRUSTED_PROXIES="een"),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "TRUSTED_PROXIES must be a whole number, not 'een'" in done.stderr
