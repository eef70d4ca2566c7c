import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praja.settings")
application = get_wsgi_application()
# The audit log's sequencer runs in the job workers that `praja serve` starts (praja/jobqueue/worker.py), not in
# the web processes: importing this module starts no thread.
