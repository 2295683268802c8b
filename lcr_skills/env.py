"""Strict helpers that read settings from the environment.

A value that can't be parsed stops start-up with a message naming the variable, rather than
quietly falling back to a default.
"""

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default).strip()
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}") from None


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default).strip()


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envrate(name: str, default: str) -> str:
    """A rate as Django REST framework's throttles read it: "10/minute", "100/hour", "5/s"."""
    value = os.environ.get(name, default).strip()
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{name} must be a number of requests per second, minute, hour or day such as 10/minute; got {value!r}"
        )
    return value


LOCAL_MEMORY_CACHE = "django.core.cache.backends.locmem.LocMemCache"
SHARED_CACHE = "lcr_skills.cache.ResilientRedisCache"


def envcache(name: str) -> dict:
    """Django's default cache: unset, this process's memory; a redis:// or rediss:// URL, that Redis database,
    shared by every process (Django's RedisCache, a miss while Redis is down: lcr_skills/cache.py)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return {"BACKEND": LOCAL_MEMORY_CACHE}
    if not re.match(r"rediss?://", value):
        scheme = value.split(":", 1)[0][:20]  # not the rest: a URL may hold a password
        raise ImproperlyConfigured(f"{name} must be a redis:// or rediss:// URL, or unset; got one starting {scheme!r}")
    return {"BACKEND": SHARED_CACHE, "LOCATION": value}
