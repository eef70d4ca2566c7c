"""Production settings: `DJANGO_SETTINGS_MODULE=praja.settings_production`.

`praja manage check --deploy --settings praja.settings_production` is clean with these.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from praja.settings import *  # noqa: F403

SECRET_KEY = os.environ.get("PRAJA_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("PRAJA_SECRET_KEY must be set to a random string of 50 or more characters")
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("PRAJA_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("PRAJA_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
