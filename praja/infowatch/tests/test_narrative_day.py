"""The probe of issue 16, reproduced: five edited copies of one hoax (ballot boxes swapped in a rawan kecamatan)
imported as social posts form ONE narrative without anyone running an analysis by hand, matched to the demo's
fact-check, whose id is prefilled in the verdict form; a verdict on the narrative reaches all five and a sixth
copy imported later; a "promo pulsa" scam has its own lane and never ranks above the hoax."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from praja.base import audit
from praja.infowatch import services
from praja.infowatch import services_analysis as core
from praja.infowatch.factchecks import load_demo_factchecks
from praja.infowatch.models import Item, Narrative, Verdict
from praja.infowatch.tests.appfixtures import *  # noqa: F401,F403
from praja.infowatch.tests.appfixtures import SYSTEM, FakeClassifier, donomulyo_rawan

pytestmark = pytest.mark.django_db

VARIANTS = [
    ("Kotak suara di gudang PPK Donomulyo ditukar tengah malam dengan kotak berisi surat suara yang sudah "
     "dicoblos untuk paslon 02. Sebarkan sebelum dihapus!", 15000),
    ("Kotak suara di gudang PPK Donomulyo ditukar jam 2 pagi dengan kotak berisi 300 surat suara yang sudah "
     "dicoblos untuk paslon 01, saksi Pak Slamet melihat sendiri", 800),
    ("Kotak suara di gudang PPK Kalipare ditukar tengah malam dengan kotak berisi surat suara yang sudah dicoblos "
     "untuk paslon 02.", 300),
    ("Info warga: 12 kotak suara di gudang kecamatan Donomulyo ditukar dengan kotak yang isinya surat suara sudah "
     "dicoblos, Bu Sri saksinya", 120),
    ("VIRAL kotak suara PPK Donomulyo ditukar semalam, diganti kotak berisi surat suara tercoblos paslon nomor 1. "
     "Pilkada curang!", 2500),
]
SIXTH = ("Beredar lagi: kotak suara di gudang PPK Donomulyo ditukar subuh tadi dengan kotak berisi surat suara "
         "yang sudah dicoblos untuk paslon 03", 50)
SCAM = ("PROMO PULSA GRATIS 100rb untuk semua pemilih Pilkada Donomulyo! Klik link bit.ly/pulsa-pilkada sekarang "
        "sebelum kehabisan", 90000)


def _jsonl(rows: list[tuple[str, int]], start: int = 0) -> bytes:
    return "\n".join(json.dumps({"text": t, "author": f"@akun{start + i}", "reach": r,
                                 "time": f"2024-11-26T{8 + i % 12:02d}:{i % 60:02d}:00+07:00"})
                     for i, (t, r) in enumerate(rows)).encode()


@pytest.fixture
def real_matcher(monkeypatch: Any, settings: Any, world: Any) -> Any:
    """The fake classifier (fast), but the real claim matcher and near-duplicate test: the probe is about them."""
    settings.PRAJA_INFOWATCH_EMBEDDER = "none"
    settings.PRAJA_INFOWATCH_REGENCIES = "35.07"
    settings.PRAJA_INFOWATCH_REGION = "35.07"
    settings.PRAJA_JOBS_EAGER = True
    core.reset()
    monkeypatch.setattr(core, "classifier", lambda: FakeClassifier())
    with audit.acting_as(SYSTEM):
        load_demo_factchecks()
    yield
    core.reset()


def _import(client: Any, rows: list[tuple[str, int]], name: str, start: int = 0) -> Any:
    return client.post("/info/impor/", {"file": SimpleUploadedFile(name, _jsonl(rows, start))})


def test_five_edited_copies_imported_as_posts_form_one_narrative_matched_to_the_demo_factcheck(
        real_matcher: None, humas: Any) -> None:
    donomulyo_rawan()
    r = _import(humas, VARIANTS, "varian.jsonl")
    assert r.status_code == 200 and "5 butir baru" in r.content.decode()
    items = list(Item.objects.all())
    assert len(items) == 5 and all(it.analysed_at for it in items)  # nobody ran `analyse` by hand
    assert len({it.narrative_id for it in items}) == 1 and items[0].narrative_id is not None
    nar = Narrative.objects.get()
    assert nar.items.count() == 5 and nar.volume == 5
    assert nar.factcheck is not None and nar.factcheck.external_id == "DEMO-CF-001"
    # the post with the most reach: its verdict form holds the fact-check id, from its own match or its narrative's
    top = max(items, key=lambda it: it.reach)
    page = humas.get(f"/info/butir/{top.pk}/")
    assert page.context["verdict_form"]["factcheck"].value() == "DEMO-CF-001"
    assert 'value="DEMO-CF-001"' in page.content.decode()
    for it in items:
        form = humas.get(f"/info/butir/{it.pk}/").context["verdict_form"]
        assert form["factcheck"].value() == "DEMO-CF-001"


def test_a_verdict_on_the_narrative_reaches_all_five_and_a_sixth_imported_later(
        real_matcher: None, humas: Any) -> None:
    _import(humas, VARIANTS, "varian.jsonl")
    nar = Narrative.objects.get()
    r = humas.post(f"/info/narasi/{nar.pk}/", {"kind": "hoax", "factcheck": "DEMO-CF-001", "note": ""})
    assert r.status_code == 302
    assert set(Item.objects.values_list("status", flat=True)) == {Item.Status.REVIEWED}
    assert [getattr(it.latest_verdict(), "kind", None) for it in Item.objects.all()] == ["hoax"] * 5
    _import(humas, [SIXTH], "varian-6.jsonl", start=9)
    sixth = Item.objects.get(text=SIXTH[0])
    assert sixth.narrative_id == nar.pk
    v = sixth.latest_verdict()
    assert v is not None and v.factcheck is not None
    assert (v.kind, v.factcheck.external_id, v.narrative_id) == ("hoax", "DEMO-CF-001", nar.pk)
    assert sixth.status == Item.Status.REVIEWED
    assert Verdict.objects.filter(narrative=nar).count() == 6


def test_a_verdict_given_on_one_post_reaches_its_narrative_unless_the_analyst_unticks_it(
        real_matcher: None, humas: Any) -> None:
    _import(humas, VARIANTS, "varian.jsonl")
    one, *rest = list(Item.objects.order_by("pk"))
    humas.post(f"/info/butir/{one.pk}/putusan/", {"kind": "misleading", "factcheck": ""})  # unticked: this post only
    assert [it.latest_verdict() for it in rest] == [None] * 4
    humas.post(f"/info/butir/{one.pk}/putusan/", {"kind": "hoax", "factcheck": "", "whole_narrative": "on"})
    assert [getattr(it.latest_verdict(), "kind", None) for it in Item.objects.all()] == ["hoax"] * 5


def test_a_promo_pulsa_scam_goes_to_its_own_lane_and_never_above_the_ballot_box_hoax(
        real_matcher: None, humas: Any) -> None:
    donomulyo_rawan()
    _import(humas, [*VARIANTS, SCAM], "campur.jsonl")
    scam = Item.objects.get(text=SCAM[0])
    assert scam.lane == "scam"
    queue = humas.get("/info/").content.decode()
    assert "PROMO PULSA" not in queue and "Kotak suara di gudang PPK Donomulyo" in queue
    lane = humas.get("/info/?jalur=scam").content.decode()
    assert "PROMO PULSA" in lane and "Kotak suara di gudang" not in lane


def test_unrelated_election_posts_stay_out_of_the_hoax_narrative(real_matcher: None, humas: Any) -> None:
    other = [("Jadwal kampanye paslon di Kalipare hari ini jam 9 pagi di lapangan desa", 40),
             ("Debat publik calon bupati Malang disiarkan langsung malam ini di televisi lokal", 60)]
    _import(humas, [*VARIANTS, *other], "campur.jsonl")
    nar = Narrative.objects.get(items__text=VARIANTS[0][0])
    assert nar.items.count() == 5
    assert not Item.objects.filter(text__startswith="Jadwal kampanye", narrative=nar).exists()


def test_a_clarification_of_the_narrative_answers_the_reports_of_every_member(
        real_matcher: None, humas: Any, kapolres: Any, people: Any) -> None:
    with audit.acting_as(SYSTEM):
        forwarded = services.ingest_forwarded(VARIANTS[3][0], "", timezone.now(), "LAP-1")
    _import(humas, VARIANTS[:3], "varian.jsonl")
    with audit.acting_as(SYSTEM):
        services.update_narratives()
    lead = Item.objects.get(text=VARIANTS[0][0])
    forwarded.refresh_from_db()
    assert forwarded.narrative_id == lead.narrative_id
    c = services.draft_clarification(lead, "Tidak ada penukaran kotak suara", "Kotak suara disegel dan dijaga.",
                                     user=people["humas"].user)
    services.approve(c, people["kapolres"].user)
    services.publish(c, people["kapolres"].user)
    assert [x.pk for x in services.clarifications_for_receipt("LAP-1")] == [c.pk]


def test_an_account_that_spread_a_judged_hoax_is_evidence_on_its_next_post(real_matcher: None, humas: Any) -> None:
    _import(humas, VARIANTS, "varian.jsonl")
    nar = Narrative.objects.get()
    humas.post(f"/info/narasi/{nar.pk}/", {"kind": "hoax", "factcheck": "DEMO-CF-001"})
    _import(humas, [("Harga cabai di pasar Donomulyo naik lagi hari ini", 10)], "lain.jsonl", start=0)
    post = Item.objects.get(text__startswith="Harga cabai")
    assert post.author == "@akun0" and post.narrative_id is None
    assert post.likelihood >= services.SPREADER_LIKELIHOOD
    evidence = humas.get(f"/info/butir/{post.pk}/").context["evidence"]
    assert any("@akun0" in e for e in evidence)
    # a member of the narrative carries the narrative's fact-check as evidence even below its own match
    weakest = min(nar.items.all(), key=lambda it: it.likelihood)
    assert weakest.likelihood >= nar.factcheck_score


def test_a_large_batch_has_its_hate_speech_scores_adjusted_to_its_own_share(real_matcher: None, humas: Any) -> None:
    import random

    words = ("pasar sawah hujan panen jalan jembatan sekolah guru murid sapi kambing padi jagung tebu kopi teh "
             "gunung sungai pantai kereta bus motor sepeda lampu listrik air sumur masjid gereja pura balai posko "
             "dokter bidan puskesmas obat vaksin bayi anak ibu bapak nenek kakek").split()
    rng = random.Random(7)
    rows = [(" ".join(rng.sample(words, 9)).capitalize() + f" {i}", 1) for i in range(40)]
    rows += [("Usir mereka, aku benci kelompok itu", 1)]
    _import(humas, rows, "besar.jsonl")
    assert Item.objects.count() > 30
    calm = Item.objects.exclude(text__startswith="Usir").first()
    assert calm is not None and "hate_speech" in calm.label_ranges
    r = calm.label_ranges["hate_speech"]
    assert r["batch_prior"] < r["train_prior"] and calm.labels["hate_speech"] <= r["raw"]
    page = humas.get(f"/info/butir/{calm.pk}/").content.decode()
    assert "data-range" in page
