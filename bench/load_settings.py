"""Settings for the load benchmark's gunicorn only: the real settings plus a bench-only URLconf."""

from lcr_skills.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
