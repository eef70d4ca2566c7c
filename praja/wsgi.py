import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praja.settings")
_django = get_wsgi_application()
# The audit log's sequencer runs in the job workers that `praja serve` starts (praja/jobqueue/worker.py), not in
# the web processes: importing this module starts no thread.

# Granian (like Django's development server) starts every request's environ from the process environment. A
# variable named like a request header (HTTP_PROXY, HTTP_X_FORWARDED_FOR...) would then read as a header the
# client sent on every request that did not send its own: those are taken out, unless the request's value differs.
_HEADER_LIKE = {k: v for k, v in os.environ.items() if k.startswith("HTTP_")}


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    for key, value in _HEADER_LIKE.items():
        if environ.get(key) == value:
            del environ[key]
    return _django(environ, start_response)
