import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praja.settings")
application = get_wsgi_application()

# The audit log's sequencer runs in the background of each server process (`praja serve`), every
# AUDIT_SEAL_INTERVAL seconds; a job worker may take this over (then set PRAJA_AUDIT_SEAL_INTERVAL=0).
from django.conf import settings  # noqa: E402

from praja.base.audit_seal import start_background_sealer  # noqa: E402

start_background_sealer(float(getattr(settings, "AUDIT_SEAL_INTERVAL", 0)))
