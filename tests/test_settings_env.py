"""Settings come from the environment through strict helpers; a bad value stops start-up loudly."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lcr_skills.env import envbool, envcache, envint, envlist, envrate, envstr

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Everything settings.py reads that a developer's shell (or CI) might have set.
SETTINGS_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "BEHIND_TLS_PROXY",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "SIGN_IN_FAILURE_LIMIT",
    "SIGN_IN_USERNAME_FAILURE_LIMIT",
    "SIGN_IN_LOCKOUT_MINUTES",
    "TRUSTED_PROXY_COUNT",
    "API_TOKEN_RATE",
    "API_TOKEN_USERNAME_RATE",
    "API_TOKEN_IDLE_HOURS",
    "API_TOKEN_MAX_DAYS",
    "SESSION_IDLE_TIMEOUT_MINUTES",
    "SESSION_MAX_HOURS",
    "PASSWORD_RESET_TIMEOUT_MINUTES",
    "CACHE_URL",
)


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run the project's Python in a fresh process with only the given settings variables."""
    clean = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def settings_from_env(**env: str) -> dict:
    """The production settings module as a fresh process sees it with this environment."""
    script = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'lcr_skills.settings'\n"
        "from django.conf import settings\n"
        "db = settings.DATABASES['default']\n"
        "print(json.dumps({'ENGINE': db['ENGINE'], 'NAME': str(db['NAME']), 'HOST': db.get('HOST'),"
        " 'PORT': db.get('PORT'), 'USER': db.get('USER'), 'DEBUG': settings.DEBUG,"
        " 'CELERY_BROKER_URL': settings.CELERY_BROKER_URL,"
        " 'CELERY_TASK_ALWAYS_EAGER': settings.CELERY_TASK_ALWAYS_EAGER}))"
    )
    result = run_python("-c", script, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- the helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "On"])
def test_envbool_reads_the_usual_spellings_of_true(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("LCR_FLAG", raw)
    assert envbool("LCR_FLAG", "0") is True


@pytest.mark.parametrize("raw", ["0", "false", "No", " off ", ""])
def test_envbool_reads_the_usual_spellings_of_false(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("LCR_FLAG", raw)
    assert envbool("LCR_FLAG", "1") is False


def test_envbool_falls_back_to_its_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LCR_FLAG", raising=False)
    assert envbool("LCR_FLAG", "1") is True
    assert envbool("LCR_FLAG", "0") is False


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_envbool_refuses_junk_naming_the_variable(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("LCR_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match=r"LCR_FLAG must be one of .*got '" + raw.lower()):
        envbool("LCR_FLAG", "0")


def test_envint_reads_a_whole_number_ignoring_surrounding_space(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCR_NUMBER", " 42 ")
    assert envint("LCR_NUMBER", "0") == 42
    monkeypatch.delenv("LCR_NUMBER")
    assert envint("LCR_NUMBER", "60") == 60


@pytest.mark.parametrize("raw", ["4.5", "sixty", "", "1e3"])
def test_envint_refuses_anything_but_a_whole_number_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("LCR_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="LCR_NUMBER must be a whole number"):
        envint("LCR_NUMBER", "0")


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCR_HOSTS", " example.org, www.example.org,, ")
    assert envlist("LCR_HOSTS", "") == ["example.org", "www.example.org"]


def test_envlist_of_nothing_is_an_empty_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LCR_HOSTS", raising=False)
    assert envlist("LCR_HOSTS", "") == []
    assert envlist("LCR_HOSTS", "localhost,127.0.0.1") == ["localhost", "127.0.0.1"]


def test_envstr_trims_surrounding_space(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCR_TEXT", "  redis://cache:6379/0 \n")
    assert envstr("LCR_TEXT", "") == "redis://cache:6379/0"


@pytest.mark.parametrize("raw", ["10/minute", " 5/s ", "100/hour", "1000/day", "3/min"])
def test_envrate_reads_a_throttle_rate(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("LCR_RATE", raw)
    assert envrate("LCR_RATE", "1/minute") == raw.strip()


@pytest.mark.parametrize("raw", ["10", "ten/minute", "0/minute", "10/fortnight", "10 / minute", ""])
def test_envrate_refuses_what_the_throttles_could_not_read(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("LCR_RATE", raw)
    with pytest.raises(ImproperlyConfigured, match="LCR_RATE must be a number of requests per"):
        envrate("LCR_RATE", "1/minute")


def test_envcache_unset_is_this_processs_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LCR_CACHE", raising=False)
    assert envcache("LCR_CACHE") == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/1", "rediss://:secret@cache.example:6380/0"])
def test_envcache_of_a_redis_url_is_djangos_redis_cache_there(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("LCR_CACHE", f" {url} ")
    assert envcache("LCR_CACHE") == {"BACKEND": "lcr_skills.cache.ResilientRedisCache", "LOCATION": url}


def test_envcache_refuses_another_scheme_naming_the_variable_not_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCR_CACHE", "memcache://user:hunter2@cache.example:11211")
    with pytest.raises(ImproperlyConfigured, match="LCR_CACHE must be a redis:// or rediss:// URL") as refused:
        envcache("LCR_CACHE")
    assert "hunter2" not in str(refused.value)


# --- the settings module, loaded in a fresh process -----------------------------------------------


def test_a_postgres_database_url_configures_postgresql() -> None:
    loaded = settings_from_env(DATABASE_URL="postgres://u@h:5432/db")
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert (loaded["NAME"], loaded["USER"], loaded["HOST"], loaded["PORT"]) == ("db", "u", "h", 5432)


def test_without_a_database_url_the_site_runs_on_a_sqlite_file_in_the_project() -> None:
    loaded = settings_from_env()
    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["NAME"] == str(PROJECT_ROOT / "db.sqlite3")


def test_without_a_broker_celery_tasks_run_in_process() -> None:
    loaded = settings_from_env()
    assert loaded["CELERY_BROKER_URL"] == "memory://localhost/"
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is True


def test_with_a_broker_celery_tasks_go_to_the_workers() -> None:
    loaded = settings_from_env(CELERY_BROKER_URL="redis://cache:6379/0")
    assert loaded["CELERY_BROKER_URL"] == "redis://cache:6379/0"
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is False


def test_debug_is_on_for_a_newcomer_with_nothing_configured() -> None:
    assert settings_from_env()["DEBUG"] is True


def test_it_refuses_to_start_with_debug_off_and_no_secret_key() -> None:
    result = run_python(
        "-c",
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'lcr_skills.settings'; "
        "from django.conf import settings; print(settings.SECRET_KEY)",
        DEBUG="0",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr
    assert "insecure" not in result.stdout


def test_it_refuses_to_start_with_a_junk_debug_value_naming_it() -> None:
    result = run_python("manage.py", "check", DEBUG="sometimes")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_a_production_configuration_passes_the_deployment_checks_without_warnings() -> None:
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60)[:60],
        ALLOWED_HOSTS="example.org",
        CACHE_URL="redis://cache.example:6379/1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_deployment_checks_warn_when_each_web_process_would_count_throttles_alone() -> None:
    production = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60)[:60], "ALLOWED_HOSTS": "example.org"}
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **production)

    assert result.returncode != 0
    assert "apprenticeships.W001" in result.stdout + result.stderr
    assert "Set CACHE_URL" in result.stdout + result.stderr


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.org"}


def security_settings_from_env(**env: str) -> dict:
    """The security-relevant settings a fresh process sees with this environment."""
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "AXES_FAILURE_LIMIT",
    ]
    script = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'lcr_skills.settings'\n"
        "from django.conf import settings\n"
        f"values = {{name: getattr(settings, name) for name in {names!r}}}\n"
        "values['LOCKOUT_MINUTES'] = settings.AXES_COOLOFF_TIME.total_seconds() / 60\n"
        "values['CSP'] = settings.CONTENT_SECURITY_POLICY['DIRECTIVES']\n"
        "print(json.dumps(values))"
    )
    result = run_python("-c", script, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_send_cookies_over_https_only_and_ask_for_hsts() -> None:
    loaded = security_settings_from_env(**PRODUCTION)
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SESSION_COOKIE_HTTPONLY"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] == 31_536_000
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert (loaded["SECURE_CONTENT_TYPE_NOSNIFF"], loaded["SECURE_REFERRER_POLICY"]) == (True, "same-origin")
    assert loaded["X_FRAME_OPTIONS"] == "DENY"
    assert loaded["CSP"]["script-src"] == ["'self'"]


def test_development_settings_let_cookies_travel_over_plain_http() -> None:
    loaded = security_settings_from_env()
    assert (loaded["SESSION_COOKIE_SECURE"], loaded["CSRF_COOKIE_SECURE"], loaded["SECURE_HSTS_SECONDS"]) == (
        False,
        False,
        0,
    )


def test_sign_in_lockout_is_set_from_the_environment() -> None:
    assert security_settings_from_env()["AXES_FAILURE_LIMIT"] == 5
    assert security_settings_from_env()["LOCKOUT_MINUTES"] == 15
    loaded = security_settings_from_env(SIGN_IN_FAILURE_LIMIT="3", SIGN_IN_LOCKOUT_MINUTES="60")
    assert (loaded["AXES_FAILURE_LIMIT"], loaded["LOCKOUT_MINUTES"]) == (3, 60)


def test_a_junk_lockout_limit_stops_start_up_naming_it() -> None:
    result = run_python("manage.py", "check", SIGN_IN_FAILURE_LIMIT="five")
    assert result.returncode != 0
    assert "SIGN_IN_FAILURE_LIMIT must be a whole number" in result.stderr


def sign_in_settings_from_env(**env: str) -> dict:
    """Who a client is and how long a sign-in lasts, as a fresh process sees them with this environment."""
    script = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'lcr_skills.settings'\n"
        "from django.conf import settings\n"
        "knox = settings.REST_KNOX\n"
        "print(json.dumps({'NUM_PROXIES': settings.REST_FRAMEWORK['NUM_PROXIES'],"
        " 'TRUSTED_PROXY_COUNT': settings.TRUSTED_PROXY_COUNT,"
        " 'RATES': settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'],"
        " 'USERNAME_FAILURE_LIMIT': settings.SIGN_IN_USERNAME_FAILURE_LIMIT,"
        " 'SESSION_COOKIE_AGE': settings.SESSION_COOKIE_AGE, 'SESSION_MAX_HOURS': settings.SESSION_MAX_HOURS,"
        " 'TOKEN_IDLE_SECONDS': knox['TOKEN_TTL'].total_seconds(),"
        " 'TOKEN_MAX_SECONDS': knox['AUTO_REFRESH_MAX_TTL'].total_seconds(),"
        " 'PASSWORD_RESET_TIMEOUT': settings.PASSWORD_RESET_TIMEOUT}))"
    )
    result = run_python("-c", script, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_by_default_no_proxy_is_trusted_and_sign_ins_are_short_lived() -> None:
    assert sign_in_settings_from_env() == {
        "NUM_PROXIES": 0,
        "TRUSTED_PROXY_COUNT": 0,
        "RATES": {
            "token": "10/minute",
            "token-username": "10/minute",
            # Residents' applications and e-mail alerts: per address and per e-mail address.
            "apply": "10/hour",
            "apply-email": "5/hour",
            "alert": "10/hour",
            "alert-email": "3/hour",
        },
        "USERNAME_FAILURE_LIMIT": 20,
        "SESSION_COOKIE_AGE": 30 * 60,
        "SESSION_MAX_HOURS": 12,
        "TOKEN_IDLE_SECONDS": 10 * 3600,
        "TOKEN_MAX_SECONDS": 30 * 86400,
        "PASSWORD_RESET_TIMEOUT": 3600,
    }


def test_proxies_rates_and_time_outs_are_set_from_the_environment() -> None:
    loaded = sign_in_settings_from_env(
        TRUSTED_PROXY_COUNT="2",
        API_TOKEN_RATE="30/hour",
        API_TOKEN_USERNAME_RATE="5/minute",
        APPLY_RATE="4/hour",
        ALERT_EMAIL_RATE="1/day",
        SESSION_IDLE_TIMEOUT_MINUTES="15",
        API_TOKEN_IDLE_HOURS="1",
        API_TOKEN_MAX_DAYS="7",
    )
    assert (loaded["NUM_PROXIES"], loaded["TRUSTED_PROXY_COUNT"]) == (2, 2)
    assert loaded["RATES"] == {
        "token": "30/hour",
        "token-username": "5/minute",
        "apply": "4/hour",
        "apply-email": "5/hour",
        "alert": "10/hour",
        "alert-email": "1/day",
    }
    assert loaded["SESSION_COOKIE_AGE"] == 15 * 60
    assert (loaded["TOKEN_IDLE_SECONDS"], loaded["TOKEN_MAX_SECONDS"]) == (3600, 7 * 86400)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be 0 or more"),
        ({"API_TOKEN_RATE": "lots"}, "API_TOKEN_RATE must be a number of requests per"),
        ({"SIGN_IN_USERNAME_FAILURE_LIMIT": "3"}, "SIGN_IN_USERNAME_FAILURE_LIMIT must be at least"),
    ],
)
def test_an_impossible_sign_in_setting_stops_start_up_naming_it(env: dict[str, str], message: str) -> None:
    result = run_python("manage.py", "check", **env)
    assert result.returncode != 0
    assert message in result.stderr
