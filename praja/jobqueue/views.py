"""The page of one job: a progress line that refreshes itself (htmx), then the download or the error.

Other apps start a long export with `start_export(request, name, *args, key=...)`: it runs the job (at once when
jobs are eager), answers the file when it is already there, else sends the person to the job's page. Only the
person who submitted a job sees its page and its file (the file was built with their visibility).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from praja import jobs
from praja.jobqueue import queue
from praja.jobqueue.models import Job

# How long a request waits for a job it started before sending the person to the job's page (a setting).
INLINE_WAIT_S = 3.0
STREAM_ABOVE_BYTES = 32 * 1024 * 1024


def _own_job(request: HttpRequest, pk: int) -> Job:
    j = Job.objects.filter(pk=pk).first()
    if j is None or j.submitted_by_id is None or j.submitted_by_id != request.user.pk:
        raise Http404(str(pk))
    return j


def _download(j: Job) -> HttpResponseBase:
    path = queue.file_path(j)
    if j.state != Job.State.DONE or path is None:
        raise Http404(str(j.pk))
    result = j.result if isinstance(j.result, dict) else {}
    filename = str(result.get("filename") or path.name)
    content_type = str(result.get("content_type") or "application/octet-stream")
    if path.stat().st_size > STREAM_ABOVE_BYTES:
        return FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response = HttpResponse(path.read_bytes(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def start_export(request: HttpRequest, name: str, *args: Any, key: str, title: str = "",
                 wait_s: float | None = None) -> HttpResponseBase:
    """Start (or join) the job `name(*args)` that makes a file for this person; the file when it is ready
    within `wait_s`, else a redirect to the job's page. `key` names what is made (plan, format, part, user):
    a second click while the same job waits or runs joins it instead of starting another."""
    j = (Job.objects.filter(key=key, submitted_by_id=request.user.pk, state__in=[Job.State.QUEUED, Job.State.RUNNING])
         .order_by("-pk").first())
    if j is None:
        submitted = jobs.submit(name, *args, progress_key=key, title=title)
        j = queue.row(submitted.pk)
    if wait_s is None:
        wait_s = float(getattr(settings, "PRAJA_JOBS_INLINE_WAIT_S", INLINE_WAIT_S))
    deadline = time.monotonic() + wait_s
    while not j.is_finished and time.monotonic() < deadline:
        time.sleep(0.2)
        j.refresh_from_db()
    if j.state == Job.State.DONE and j.file:
        return _download(j)
    return redirect("jobqueue:job", pk=j.pk)


def _context(request: HttpRequest, j: Job) -> dict[str, Any]:
    return {"job": j, "title": j.title, "label": j.progress_label}


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    j = _own_job(request, pk)
    return render(request, "jobqueue/job.html", _context(request, j))


@login_required
def status(request: HttpRequest, pk: int) -> HttpResponse:
    j = _own_job(request, pk)
    return render(request, "jobqueue/_status.html", _context(request, j))


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _download(_own_job(request, pk))


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run again a job that failed: a new job with the same task and arguments, as this person."""
    j = _own_job(request, pk)
    if j.state != Job.State.FAILED:
        return redirect("jobqueue:job", pk=j.pk)
    again = jobs.retry(j.pk)
    return redirect("jobqueue:job", pk=again.pk)
