"""The plan's XLSX and PDF annex are jobs: the request answers at once with a page whose progress line
refreshes itself, then a download; only the person who asked sees the job and its file."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client

from praja.deployment.models import Plan
from praja.jobqueue.models import Job
from praja.jobqueue.worker import ThreadWorker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(settings: Any) -> None:
    """Jobs wait for a worker; the request does not wait for them."""
    settings.PRAJA_JOBS_EAGER = False
    settings.PRAJA_JOBS_INLINE_WAIT_S = 0


def _job_page(response: Any) -> int:
    assert response.status_code == 302, response.status_code
    m = re.fullmatch(r"/tugas/(\d+)/", response["Location"])
    assert m, response["Location"]
    return int(m.group(1))


def test_the_pdf_annex_is_a_job_with_a_progress_line_then_a_download(
        queued: None, ops_client: Client, done_plan: Plan) -> None:
    assert ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/").status_code == 200  # modules loaded
    t0 = time.monotonic()
    response = ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/pdf/")
    assert time.monotonic() - t0 < 10  # the request does not build the PDF (the issue: no request over 10 s)
    pk = _job_page(response)
    page = ops_client.get(f"/tugas/{pk}/").content.decode()
    assert "Menunggu giliran" in page and 'hx-trigger="every 1s"' in page
    assert "lampiran PDF" in page  # the page says what is being made
    # a second click while it waits joins the same job
    assert _job_page(ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/pdf/")) == pk
    with ThreadWorker():
        deadline = time.monotonic() + 60
        while Job.objects.get(pk=pk).state not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.2)
    status = ops_client.get(f"/tugas/{pk}/status/").content.decode()
    assert 'id="job-download"' in status and "hx-trigger" not in status  # polling stops when done
    pdf = ops_client.get(f"/tugas/{pk}/unduh/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert 'filename="rencana_pengamanan_3507_v1.pdf"' in pdf["Content-Disposition"]


def test_only_the_person_who_asked_sees_the_job_and_its_file(
        queued: None, ops_client: Client, polsek_client: Client, done_plan: Plan) -> None:
    pk = _job_page(ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/xlsx/"))
    with ThreadWorker():
        deadline = time.monotonic() + 60
        while Job.objects.get(pk=pk).state != "done" and time.monotonic() < deadline:
            time.sleep(0.2)
    assert ops_client.get(f"/tugas/{pk}/unduh/").status_code == 200
    for path in (f"/tugas/{pk}/", f"/tugas/{pk}/status/", f"/tugas/{pk}/unduh/"):
        assert polsek_client.get(path).status_code == 404
    # the Polsek officer's own export is built as he sees the plan: his Polsek only
    pk2 = _job_page(polsek_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/xlsx/"))
    assert pk2 != pk
    assert Job.objects.get(pk=pk2).args[3] == Job.objects.get(pk=pk2).submitted_by_id


def test_a_failed_export_offers_a_retry_that_runs_it_again(
        queued: None, ops_client: Client, done_plan: Plan) -> None:
    pk = _job_page(ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/pdf/"))
    Job.objects.filter(pk=pk).update(state="failed", error="Proses pekerja berhenti.", retryable=True)
    page = ops_client.get(f"/tugas/{pk}/").content.decode()
    assert "Proses pekerja berhenti." in page and 'id="job-retry"' in page
    again = _job_page(ops_client.post(f"/tugas/{pk}/ulang/"))
    assert again != pk and Job.objects.get(pk=again).retry_of_id == pk
    with ThreadWorker():
        deadline = time.monotonic() + 60
        while Job.objects.get(pk=again).state != "done" and time.monotonic() < deadline:
            time.sleep(0.2)
    assert ops_client.get(f"/tugas/{again}/unduh/").content.startswith(b"%PDF")


def test_eager_jobs_answer_the_file_at_once(ops_client: Client, done_plan: Plan) -> None:
    response = ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/unduh/xlsx/")
    assert response.status_code == 200 and response.content[:2] == b"PK"
