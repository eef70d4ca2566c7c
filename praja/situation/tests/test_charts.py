"""The server-drawn charts say their numbers: reports per day by category, the share of rawan TPS per region,
commitments by state; on the dashboard, from the viewer's data."""

from __future__ import annotations

import datetime
import re

from django.test import Client

from praja.situation import charts
from praja.situation.tests.busy import make_rakor, make_report
from praja.situation.tests.conftest import World

STATE_LABELS = {"open": "terbuka", "due_soon": "segera jatuh tempo", "overdue": "lewat tenggat",
                "done": "selesai dengan bukti"}


def _titles(svg: str) -> list[str]:
    return re.findall(r"<title>([^<]*)</title>", svg)


def test_reports_per_day_are_stacked_by_category_with_labels_and_totals() -> None:
    days = [datetime.date(2024, 11, 25), datetime.date(2024, 11, 26), datetime.date(2024, 11, 27)]
    svg = str(charts.stacked_days(days, {"keamanan": [1, 0, 2], "hoaks": [0, 0, 1]},
                                  {"keamanan": "Keamanan", "hoaks": "Hoaks / disinformasi", "sara": "Politisasi SARA"},
                                  "Laporan per hari", ["keamanan", "hoaks", "sara"]))
    titles = _titles(svg)
    assert titles[0] == "Laporan per hari"
    assert "Keamanan 27-11-2024: 2" in titles and "Hoaks / disinformasi 27-11-2024: 1" in titles
    assert "Keamanan 25-11-2024: 1" in titles
    assert not any(t.startswith("Keamanan 26-11-2024") for t in titles)  # no empty bar
    assert ">3</text>" in svg and ">1</text>" in svg  # the day totals above the bars
    assert ">Keamanan</text>" in svg and ">Hoaks / disinformasi</text>" in svg  # the legend
    assert "Politisasi SARA" not in svg  # a category without reports is not in the legend
    assert ">27/11</text>" in svg


def test_vulnerability_bars_carry_the_share_and_the_counts() -> None:
    svg = str(charts.hbars([("Donomulyo", 66.7, "#c8413a", "2/3 TPS"), ("Kalipare", 0.0, "#5fa35f", "0/2 TPS")],
                           "Bagian TPS rawan", maximum=100))
    assert "Donomulyo: 66,7 % 2/3 TPS" in _titles(svg) and "Kalipare: 0,0 % 0/2 TPS" in _titles(svg)
    assert ">66,7 % · 2/3 TPS</text>" in svg  # Indonesian: decimal comma, a space before %


def test_commitment_states_are_counted_in_the_legend() -> None:
    svg = str(charts.states({"open": 2, "due_soon": 1, "overdue": 3, "done": 0}, STATE_LABELS, "Komitmen"))
    for text in ("terbuka: 2", "segera jatuh tempo: 1", "lewat tenggat: 3", "selesai dengan bukti: 0"):
        assert f">{text}</text>" in svg
    assert "<title>selesai dengan bukti: 0</title>" not in svg  # no slice for an empty state
    assert 'width="320.0"' in svg  # overdue: 3 of 6, half the bar


def test_the_dashboard_charts_show_the_viewers_reports_vulnerability_and_commitments(busy: World,
                                                                                      polres_ops: Client) -> None:
    make_report(None, "35.07.02.2001", category="hoaks", title="Hoaks di grup WA")
    make_rakor(busy, decisions=[("Patroli", "polsek-donomulyo", 10, False), ("Pemetaan", "polres-malang", 1, False),
                                ("Apel", "polres-malang", -2, False), ("Sosialisasi", "pemprov", 20, True)])
    r = polres_ops.get("/situasi/?wilayah=35.07")
    days = str(r.context["chart_days"])
    counts: dict[str, int] = {}
    for label, n in re.findall(r"<title>([^<]+?) \d{2}-\d{2}-\d{4}: (\d+)</title>", days):
        counts[label] = counts.get(label, 0) + int(n)
    # Three reports in Kabupaten Malang on the busy day (the Kota Malang one is not the officer's) and the hoax.
    assert counts == {"Keamanan": 3, "Hoaks / disinformasi": 1}
    vuln = _titles(str(r.context["chart_vuln"]))
    assert "Donomulyo: 66,7 % 2/3 TPS" in vuln  # 2 of 3 scored TPS rawan
    assert any(t.startswith("Kalipare: 0,0 %") for t in vuln)
    states = str(r.context["chart_states"])
    for text in ("terbuka: 1", "segera jatuh tempo: 1", "lewat tenggat: 1", "selesai dengan bukti: 1"):
        assert f">{text}</text>" in states
    assert r.context["states"] == {"open": 1, "due_soon": 1, "overdue": 1, "done": 1}
