"""The catalogue of roles: what each may do, and whether it needs a second factor.

A role is held in a region (``RoleAssignment.region``): the region bounds what the holder sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Capabilities
VIEW_TERRITORY = "territory.view"
EDIT_TPS = "territory.edit_tps"
IMPORT_TERRITORY = "territory.import"
EDIT_JURISDICTION = "territory.edit_jurisdiction"
VIEW_PEOPLE = "accounts.view_people"
MANAGE_ACCOUNTS = "accounts.manage"
VIEW_AUDIT = "audit.view"
VIEW_PROTECTED = "protected.view"  # whistleblower identities and other data that endangers someone
EDIT_RISK = "risk.edit"  # TPS vulnerability mapping: import values, weights and thresholds per district
VIEW_DEPLOYMENT = "deployment.view"  # security deployment plans (where police stand): not for the public
PLAN_DEPLOYMENT = "deployment.plan"  # make, edit and re-check deployment plans, patterns and pools
MANAGE_COORDINATION = "coordination.manage"  # hold rakor, record decisions and commitments
INFOWATCH_ANALYSE = "infowatch.analyse"  # hoax monitoring: queue, sources, fact-checks, verdicts, drafts
INFOWATCH_APPROVE = "infowatch.approve"  # approve and publish a clarification (someone other than its drafter)
# Incident and violation reports (praja/reports): see the reports of one's region (never those about one's own
# unit), handle them (verify, assign, refer, record outcomes), approve a look at a whistleblower's identity,
# and file reports from the field with the officer form.
REPORTS_VIEW = "reports.view"
REPORTS_HANDLE = "reports.handle"
REPORTS_CUSTODIAN = "reports.custodian"
REPORTS_SUBMIT = "reports.submit"

ALL_CAPABILITIES = frozenset(
    {VIEW_TERRITORY, EDIT_TPS, IMPORT_TERRITORY, EDIT_JURISDICTION, VIEW_PEOPLE, MANAGE_ACCOUNTS, VIEW_AUDIT,
     VIEW_PROTECTED, EDIT_RISK, VIEW_DEPLOYMENT, PLAN_DEPLOYMENT, MANAGE_COORDINATION,
     INFOWATCH_ANALYSE, INFOWATCH_APPROVE, REPORTS_VIEW, REPORTS_HANDLE, REPORTS_CUSTODIAN, REPORTS_SUBMIT}
)


@dataclass(frozen=True)
class Role:
    key: str
    label: object  # lazy translation
    capabilities: frozenset[str]
    # The home page this role lands on shows these panels first.
    home: str = "overview"

    @property
    def needs_second_factor(self) -> bool:
        return bool({VIEW_PROTECTED, MANAGE_ACCOUNTS, REPORTS_CUSTODIAN} & self.capabilities)


def _role(key: str, label: object, *caps: str, home: str = "overview") -> Role:
    return Role(key=key, label=label, capabilities=frozenset(caps), home=home)


ROLES: dict[str, Role] = {
    r.key: r
    for r in [
        _role("admin", _("Administrator sistem"), *sorted(ALL_CAPABILITIES), home="admin"),
        _role("polres_ops", _("Staf Operasional Polres (Bag Ops)"), VIEW_TERRITORY, EDIT_TPS, IMPORT_TERRITORY,
              EDIT_JURISDICTION, VIEW_PEOPLE, VIEW_AUDIT, EDIT_RISK, VIEW_DEPLOYMENT, PLAN_DEPLOYMENT,
              MANAGE_COORDINATION, INFOWATCH_ANALYSE, REPORTS_VIEW, REPORTS_HANDLE, REPORTS_SUBMIT, home="operations"),
        _role("polres_leader", _("Pimpinan Polres"), VIEW_TERRITORY, VIEW_PEOPLE, VIEW_AUDIT, VIEW_DEPLOYMENT,
              INFOWATCH_ANALYSE, INFOWATCH_APPROVE, REPORTS_VIEW, home="operations"),
        _role("humas", _("Humas Polres (hubungan masyarakat)"), VIEW_TERRITORY, INFOWATCH_ANALYSE,
              home="overview"),
        _role("polsek_leader", _("Pimpinan Polsek (Kapolsek)"), VIEW_TERRITORY, EDIT_TPS, VIEW_PEOPLE, VIEW_AUDIT,
              VIEW_DEPLOYMENT, REPORTS_VIEW, REPORTS_HANDLE, REPORTS_SUBMIT, home="station"),
        _role("polsek_officer", _("Personel Polsek"), VIEW_TERRITORY, EDIT_TPS, VIEW_PEOPLE, VIEW_DEPLOYMENT,
              REPORTS_VIEW, REPORTS_SUBMIT, home="station"),
        _role("kodim_staff", _("Staf Kodim"), VIEW_TERRITORY, VIEW_PEOPLE, VIEW_DEPLOYMENT, REPORTS_VIEW,
              REPORTS_SUBMIT, home="operations"),
        _role("koramil_staff", _("Personel Koramil"), VIEW_TERRITORY, VIEW_PEOPLE, VIEW_DEPLOYMENT, REPORTS_SUBMIT,
              home="station"),
        _role("kpu_staff", _("Staf KPU"), VIEW_TERRITORY, EDIT_TPS, IMPORT_TERRITORY, REPORTS_VIEW, home="election"),
        _role("bawaslu_staff", _("Staf Bawaslu"), VIEW_TERRITORY, VIEW_PEOPLE, VIEW_PROTECTED, VIEW_AUDIT,
              EDIT_RISK, INFOWATCH_ANALYSE, REPORTS_VIEW, REPORTS_HANDLE, REPORTS_CUSTODIAN, REPORTS_SUBMIT,
              home="supervision"),
        _role("panwascam", _("Panwascam"), VIEW_TERRITORY, REPORTS_VIEW, REPORTS_HANDLE, REPORTS_SUBMIT,
              home="supervision"),
        _role("gakkumdu", _("Sentra Gakkumdu"), VIEW_TERRITORY, VIEW_PEOPLE, VIEW_PROTECTED, REPORTS_VIEW,
              REPORTS_HANDLE, home="supervision"),
        _role("propam", _("Propam"), VIEW_TERRITORY, VIEW_PEOPLE, VIEW_PROTECTED, REPORTS_VIEW, REPORTS_HANDLE,
              home="supervision"),
        _role("pemda_staff", _("Staf Pemerintah Daerah"), VIEW_TERRITORY, REPORTS_VIEW, home="overview"),
        _role("camat", _("Camat / staf kecamatan"), VIEW_TERRITORY, home="station"),
        _role("forum_member", _("Anggota forum tokoh agama/adat"), VIEW_TERRITORY, home="overview"),
        _role("media", _("Media"), VIEW_TERRITORY, home="overview"),
    ]
}

ROLE_CHOICES = [(r.key, r.label) for r in ROLES.values()]
