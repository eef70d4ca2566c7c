"""Production settings: `DJANGO_SETTINGS_MODULE=praja.settings_production`.

`praja manage check --deploy --settings praja.settings_production` is clean with these, given PRAJA_SECRET_KEY,
the whistleblower seal key (PRAJA_REPORTS_SEAL_KEY or its key file: the check fails without it) and
PRAJA_ADMIN_PATH (a warning while the admin sits at /admin/).
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

# Issue 14: the seal key is never created silently on a server (a lost var/ would lose every sealed identity):
# `praja manage check --deploy` fails until it is given. The API docs and schema are off unless a path is set.
PRAJA_REPORTS_SEAL_KEY_AUTOCREATE = os.environ.get("PRAJA_REPORTS_SEAL_KEY_AUTOCREATE", "0") == "1"
PRAJA_API_DOCS_PATH = os.environ.get("PRAJA_API_DOCS_PATH", "").strip("/")
