"""Forms of the accounts pages: the second-factor token, a recovery code and role assignments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from praja.accounts.models import Person, RoleAssignment
from praja.accounts.visibility import can_grant_in
from praja.base.roles import ROLE_CHOICES, ROLES
from praja.base.scope import Scope
from praja.territory.models import Region


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Kode 6 digit dari aplikasi autentikator"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(gettext("Kode hanya berisi angka."), code="not_digits")
        return token


class RecoveryCodeForm(forms.Form):
    """A recovery code in place of the TOTP code, for a lost phone (praja/accounts/recovery.py)."""

    recovery_code = forms.CharField(
        label=_("Kode pemulihan"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )


class RoleAssignmentForm(forms.Form):
    """Grant a role to a person in a region. The region must lie inside the granter's own scope, and the
    granter must hold every capability of the role (nobody hands out more than they have)."""

    role = forms.ChoiceField(label=_("Peran"), choices=ROLE_CHOICES)
    region = forms.CharField(
        label=_("Kode wilayah"),
        max_length=13,
        required=False,
        help_text=_("Kode Kemendagri, mis. 35.07.01; kosong berarti seluruh Indonesia."),
    )

    def __init__(self, *args: Any, person: Person, scope: Scope, capabilities: frozenset[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.person = person
        self.scope = scope
        self.granter_capabilities = frozenset(capabilities)

    def clean_role(self) -> str:
        role = str(self.cleaned_data["role"])
        missing = ROLES[role].capabilities - self.granter_capabilities
        if missing:
            raise forms.ValidationError(
                gettext("Anda tidak dapat memberikan peran dengan hak yang tidak Anda miliki: %(caps)s."),
                params={"caps": ", ".join(sorted(missing))},
                code="role_above_granter",
            )
        return role

    def clean_region(self) -> Region | None:
        code = (self.cleaned_data.get("region") or "").strip()
        if not code:
            if not can_grant_in(self.scope, None):
                raise forms.ValidationError(
                    gettext("Hanya pengelola tingkat nasional yang dapat memberikan peran nasional."),
                    code="national_needs_national",
                )
            return None
        region = Region.objects.filter(code=code).first()
        if region is None or not can_grant_in(self.scope, code):
            # The same message for "does not exist" and "outside your scope": nothing leaks.
            raise forms.ValidationError(
                gettext("Wilayah %(code)s tidak ada dalam wilayah tugas Anda."),
                params={"code": code},
                code="region_outside_scope",
            )
        return region

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "role" in data and "region" in data:
            exists = RoleAssignment.objects.filter(
                person=self.person, role=data["role"], region=data["region"]
            )
            if exists.exists():
                raise forms.ValidationError(
                    gettext("Peran ini sudah dimiliki di wilayah tersebut."), code="duplicate"
                )
        return data

    def save(self) -> RoleAssignment:
        return RoleAssignment.objects.create(
            person=self.person, role=self.cleaned_data["role"], region=self.cleaned_data["region"]
        )
