"""Issue 14 (hardening): voting-day senders behind a carrier's shared address (CGNAT). The per-address limit is
wide; a signed per-device token and the phone number do the fine-grained work; a receipt locks after wrong PINs
from any address, and the sender is told how to get help."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from praja.accounts.tests.fixtures import world  # noqa: F401
from praja.reports.models import Report
from praja.reports.tests.test_public import send, shown

CARRIER = "114.124.1.9"  # one Telkomsel CGNAT address in front of every phone below


@pytest.fixture(autouse=True)
def _fresh_counts() -> Any:
    """Empty counters, and the clock at the start of a 10-minute window: the limits count in fixed windows, and a
    test that crossed a window's end would see its counts start again."""
    now = time.time()
    start = datetime.datetime.fromtimestamp(now - now % 600 + 1, tz=datetime.UTC)
    cache.clear()
    with time_machine.travel(start, tick=True):
        yield
    cache.clear()


def phone() -> Client:
    return Client(REMOTE_ADDR=CARRIER)


def test_the_defaults_are_sized_for_a_carrier_nat() -> None:
    conf = django_settings.PRAJA_REPORTS
    assert conf["PUBLIC_RATE"] == (300, 600)  # per address: floods only
    assert conf["DEVICE_RATE"] == (5, 600) and conf["PHONE_RATE"] == (10, 3600)
    assert conf["PIN_LOCK_AFTER"] == 5


def test_30_devices_behind_one_carrier_address_can_each_send(world: Any) -> None:  # noqa: F811
    codes = [send(phone()).status_code for _ in range(30)]  # each opens the form (its token), then sends
    assert codes == [302] * 30
    assert Report.objects.count() == 30


def test_one_device_is_limited_and_told_so(world: Any) -> None:  # noqa: F811
    me = phone()
    codes = [send(me).status_code for _ in range(5)]
    refused = send(me)
    assert codes == [302] * 5 and refused.status_code == 429
    assert "Terlalu banyak laporan dari perangkat ini" in refused.content.decode()
    assert int(refused["Retry-After"]) <= 600
    assert send(phone()).status_code == 302  # the next phone behind the same address still sends


def test_a_forged_device_cookie_counts_as_the_address_not_as_a_new_device(world: Any) -> None:  # noqa: F811
    codes = []
    for i in range(7):
        c = phone()
        key = c.get("/lapor/").cookies  # a real token is given ...
        assert "praja_perangkat" in key
        c.cookies["praja_perangkat"] = f"palsu-{i}"  # ... and replaced by an unsigned one
        codes.append(send(c, client_key="web:k" + str(i) * 8).status_code)
    assert codes == [302] * 5 + [429] * 2


def test_a_receipt_locks_after_5_wrong_pins_from_any_address_and_says_how_to_get_help(world: Any) -> None:  # noqa: F811
    sender = Client()
    send(sender)
    code, pin = shown(sender)
    wrong = "000000" if pin != "000000" else "111111"
    answers = [Client(REMOTE_ADDR=f"36.68.0.{i}").post("/lapor/ikuti/", {"receipt": code, "pin": wrong})
               for i in range(5)]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429]
    assert "Setelah 5 kali PIN salah, tanda terima dikunci" in answers[0].content.decode()
    page = answers[-1].content.decode()
    assert "Tanda terima ini dikunci karena PIN salah dimasukkan 5 kali" in page
    assert "Cara mendapatkan bantuan" in page and "Bawaslu kabupaten/kota terdekat" in page
    # locked: even the right PIN, from yet another address, waits
    right = Client(REMOTE_ADDR="182.1.2.3").post("/lapor/ikuti/", {"receipt": code, "pin": pin})
    assert right.status_code == 429 and "dikunci" in right.content.decode()
    api = Client(REMOTE_ADDR="182.1.2.4").post("/api/v1/reports/status", {"receipt": code, "pin": pin},
                                                content_type="application/json")
    assert api.status_code == 429 and "Bawaslu" in api.json()["errors"]["bantuan"]


def test_the_right_pin_before_the_lock_clears_the_count(world: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "PIN_LOCK_AFTER": 2}
    sender = Client()
    send(sender)
    code, pin = shown(sender)
    wrong = "000000" if pin != "000000" else "111111"
    assert Client().post("/lapor/ikuti/", {"receipt": code, "pin": wrong}).status_code == 400
    assert Client().post("/lapor/ikuti/", {"receipt": code, "pin": pin}).status_code == 302
    assert Client().post("/lapor/ikuti/", {"receipt": code, "pin": wrong}).status_code == 400  # counted from 0
