"""Test settings: the real settings with only what tests must change."""

from lcr_skills.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1000/minute"}}  # noqa: F405
# Serve static files straight from the source folders, as in development, without collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Lockout stays on in tests; only the test client's login() shortcut, which has no request, skips it.
AUTHENTICATION_BACKENDS = ["tests.auth_backends.AxesUnlessNoRequestBackend", *AUTHENTICATION_BACKENDS[1:]]  # noqa: F405
