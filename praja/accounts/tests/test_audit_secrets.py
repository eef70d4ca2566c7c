"""The list of protected fields is explicit, complete for the models that exist, and applied as a keyed digest."""

from __future__ import annotations

import re

import pytest
from django.apps import apps

from praja.accounts.models import Person
from praja.accounts.tests.fixtures import World
from praja.base import audit
from praja.base.audit_protect import PROTECTED_FIELDS, digest, is_protected, protect
from praja.base.audit_signals import _audited
from praja.base.models import AuditEntry

# Field names that look personal or secret but are not: reviewed, with the reason.
NOT_SECRET = {
    ("risk.indicator", "key"): "an indicator's code (e.g. riwayat_kekerasan)",
    ("risk.riskconfig", "khusus_keys"): "indicator codes",
    ("deployment.pattern", "preset_key"): "a preset's name",
    ("deployment.pool", "lat"): "a post's public place",
    ("deployment.pool", "lng"): "a post's public place",
    ("deployment.post", "lat"): "where a post stands (deployment.view only)",
    ("deployment.post", "lng"): "where a post stands (deployment.view only)",
    ("deployment.plantps", "lat"): "a TPS's public location",
    ("deployment.plantps", "lng"): "a TPS's public location",
    ("deployment.plan", "violations"): "solver output",
    ("reports.report", "status_reason"): "a handler's public reason for a status",
    ("reports.reportlink", "reason"): "why two reports are linked",
    ("infowatch.item", "key"): "feed item / narrative keys",
    ("jobqueue.job", "key"): "what a background job is about (its progress key, e.g. deployment.plan:7)",
    ("infowatch.narrative", "key"): "feed item / narrative keys",
    ("infowatch.verdict", "note"): "an analyst's note on a public post",
    ("infowatch.factcheck", "claim_key"): "hash of a public fact-check's headline (de-duplication)",
    ("infowatch.clarification", "return_note"): "the approver's note on a draft of a public clarification",
    ("situation.lapsit", "commander_notes"): "part of the issued lapsit",
    ("territory.region", "centroid_lat"): "public geography",
    ("territory.region", "centroid_lng"): "public geography",
    ("territory.tps", "lat"): "a TPS's public location",
    ("territory.tps", "lng"): "a TPS's public location",
    ("territory.jurisdiction", "hq_lat"): "a command's headquarters (public)",
    ("territory.jurisdiction", "hq_lng"): "a command's headquarters (public)",
}
LOOKS_SECRET = re.compile(r"phone|email|pin|token|password|secret|key|nik|lat|lon|lng|note|identity|reporter|sealed|"
                          r"reason")


def test_every_listed_protected_field_exists_on_its_model() -> None:
    for label, names in PROTECTED_FIELDS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an optional app (a second-factor device kind) that is not installed
        fields = {f.attname for f in model._meta.concrete_fields}
        assert names <= fields, (label, names - fields)


def test_every_field_that_looks_secret_is_protected_or_reviewed() -> None:
    unreviewed = []
    for model in apps.get_models():
        if not _audited(model):
            continue
        label = model._meta.label_lower
        for f in model._meta.concrete_fields:
            if LOOKS_SECRET.search(f.attname) and not is_protected(label, f.attname):
                if (label, f.attname) not in NOT_SECRET:
                    unreviewed.append(f"{label}.{f.attname}")
    assert unreviewed == [], "add these to audit_protect.PROTECTED_FIELDS or to NOT_SECRET with a reason"


def test_protected_values_become_a_keyed_digest_and_other_text_is_masked(settings: object) -> None:
    kept = protect("reports.report", {"latitude": -8.31, "pin_hash": "pbkdf2$x", "title": "Saksi 0812-3333-4444",
                                      "longitude": None})
    assert kept["latitude"] == digest(-8.31) and kept["latitude"].startswith("hmac:") and "8.31" not in kept["latitude"]
    assert kept["pin_hash"] == digest("pbkdf2$x") and kept["longitude"] is None
    assert "3333-4444" not in kept["title"] and kept["title"].startswith("Saksi 0812")
    updated = protect("reports.timelineentry", {"text": ["", "catatan internal"]}, "update")
    assert updated["text"] == ["", digest("catatan internal")]
    before = digest("0812")
    settings.SECRET_KEY = "another-key"  # type: ignore[attr-defined]
    assert digest("0812") != before  # keyed: without the key a digest cannot be checked against a guess


@pytest.mark.django_db
def test_a_persons_phone_is_kept_as_a_digest_in_the_entry(world: World) -> None:
    person = Person.objects.get(pk=world.people["officer"].pk)
    with audit.acting_as(audit.Actor(None, "system:test", "", "cli")):
        person.phone = "081299998888"
        person.save()
    entry = AuditEntry.objects.filter(target_type="accounts.person", action="update").latest("seq")
    assert entry.changes["phone"][1] == digest("081299998888")
    assert "9999" not in str(entry.changes)
