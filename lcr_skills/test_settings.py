"""Test settings: the real settings with only what tests must change."""

import os

from lcr_skills.env import LOCAL_MEMORY_CACHE
from lcr_skills.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test process's own memory, whatever CACHE_URL the shell has: every test empties the cache (tests/conftest.py),
# which must never reach a shared Redis. tests/security/test_throttling.py points one test at CI's Redis itself.
CACHES = {"default": {"BACKEND": LOCAL_MEMORY_CACHE}}
# Tests ask for many tokens; tests/security/test_throttling.py puts the real rates back.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "token": "1000/minute",
        "token-username": "1000/minute",
        "apply": "1000/minute",
        "apply-email": "1000/minute",
        "alert": "1000/minute",
        "alert-email": "1000/minute",
    },
}
# Serve static files straight from the source folders, as in development, without collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Lockout stays on in tests; only the test client's login() shortcut, which has no request, skips it.
AUTHENTICATION_BACKENDS = ["tests.auth_backends.AxesUnlessNoRequestBackend", *AUTHENTICATION_BACKENDS[1:]]  # noqa: F405
# `make test` runs the API fuzzing in a second pytest process beside the rest: on a server database
# it gets its own test database. (SQLite's test database is in memory, one per process anyway.)
_database = DATABASES["default"]  # noqa: F405
if (suffix := os.environ.get("TEST_DATABASE_SUFFIX")) and _database["ENGINE"] != "django.db.backends.sqlite3":
    _database["TEST"] = {"NAME": f"test_{_database['NAME']}_{suffix}"}
