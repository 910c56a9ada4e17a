"""Counts of attempts shared by every worker and machine: the limits on wrong
passwords (app/security/login_limit.py), on registrations
(app/security/registration_guard.py) and on password-reset requests.

The counts live in the store Flask-Limiter is configured with
(RATELIMIT_STORAGE_URI): ``memory://`` by default, where each process counts
for itself, or e.g. ``redis://127.0.0.1:6379``, shared by every gunicorn
worker and machine. A limit is a rate in the ``limits`` package's words
("5 per 15 minutes"), counted in a fixed window that opens with its first
hit. Counting one is a single atomic increment in the store that answers
with the new count, so requests arriving together can never get past a
limit together.

If the store cannot be reached and RATELIMIT_IN_MEMORY_FALLBACK_ENABLED is on
(the default), each process counts in memory meanwhile (logged), and tries the
store again after RETRY_SECONDS.
"""
import logging
import math
import time
from functools import lru_cache

from flask import current_app, has_request_context, request
from limits import parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)

RETRY_SECONDS = 30
_EXTENSION = "pontive_throttle"


class _Counters:
    """The app's counters: in the configured store, or in memory while it is down."""

    def __init__(self, config):
        self.prefix = config.get("RATELIMIT_KEY_PREFIX") or "pontive"
        self.uri = config["RATELIMIT_STORAGE_URI"]
        storage = storage_from_string(self.uri, wrap_exceptions=True,
                                      **config.get("RATELIMIT_STORAGE_OPTIONS", {}))
        self.shared = FixedWindowRateLimiter(storage)
        self.local = (FixedWindowRateLimiter(MemoryStorage())
                      if config.get("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED") else None)
        self.shared_down_until = 0.0

    def run(self, operation):
        """``operation(strategy)`` on the shared store, or in memory while it is down."""
        if self.local is not None and time.monotonic() < self.shared_down_until:
            return operation(self.local)
        try:
            return operation(self.shared)
        except StorageError:
            if self.local is None:
                raise
            log.warning("The rate-limit store %s cannot be reached: counting in "
                        "memory for %d seconds", self.uri, RETRY_SECONDS, exc_info=True)
            self.shared_down_until = time.monotonic() + RETRY_SECONDS
            return operation(self.local)


def client_address():
    """The address attempts from this request are counted by (behind a
    reverse proxy, the proxy's unless the app trusts X-Forwarded-For)."""
    return (request.remote_addr if has_request_context() else None) or "-"


def init_app(app):
    """Open the store when the app is made: made on first use instead, the
    threads of a busy worker would race to import its client library."""
    app.extensions[_EXTENSION] = _Counters(app.config)


def _counters():
    return current_app.extensions[_EXTENSION]


@lru_cache(maxsize=64)
def _item(rate):
    return parse(rate)


def _identifiers(counters, name, key):
    return counters.prefix, name, str(key)


def hit(rate, name, key):
    """Count one attempt of ``name`` by ``key``; False if it is over ``rate``
    (the attempt must then be refused)."""
    counters = _counters()
    return counters.run(lambda s: s.hit(_item(rate), *_identifiers(counters, name, key)))


def allows(rate, name, key):
    """True if one more attempt of ``name`` by ``key`` is within ``rate``
    (nothing is counted)."""
    counters = _counters()
    return counters.run(lambda s: s.test(_item(rate), *_identifiers(counters, name, key)))


def clear(rate, name, key):
    """Forget the attempts of ``name`` by ``key``."""
    counters = _counters()
    counters.run(lambda s: s.clear(_item(rate), *_identifiers(counters, name, key)))


def seconds_left(rate, name, key):
    """Whole seconds until the window of ``name`` by ``key`` closes (at least 1).

    A span on the store's clock (``limits`` stamps its windows with the
    machine's time), not a moment on the office clock."""
    counters = _counters()
    stats = counters.run(lambda s: s.get_window_stats(
        _item(rate), *_identifiers(counters, name, key)))
    return max(1, math.ceil(stats.reset_time - time.time()))
