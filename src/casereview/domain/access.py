"""Who may do what (SPEC 8): the four roles, what each may do, and a session's access: its
user, role and granted sites.

A database with no user accounts is a single person's, and its sessions have
``Access.unrestricted(user)``: every permission, every site, nothing masked, exactly as
before accounts existed. Checks here are pure; storage/access.py applies them to the store
(and checks the account as it is now, so a disabled account's next change is refused).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    AUDITOR = "auditor"
    LEAD = "lead"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    @classmethod
    def parse(cls, text: str | Role) -> Role:
        if isinstance(text, Role):
            return text
        try:
            return cls(str(text).strip().lower())
        except ValueError:
            names = ", ".join(r.value for r in cls)
            raise ValueError(f"role {text!r} is not known: use one of {names}") from None


class Permission(StrEnum):
    """Everything a role may be refused. The value is what a refusal says it needs."""

    VIEW = "see dashboards, charts, reports and pseudonymised lists"
    ENTER = "enter and edit moves, night returns, experience samples, Transfer of Care " \
            "audits and draft reviews"
    COMPLETE_REVIEW = "complete, sign off and amend reviews"
    MANAGE_ACTIONS = "manage actions, programme targets, measure targets and rebases"
    EXPORT_IDENTIFIABLE = "export patient references (identifiable exports)"
    ADMIN = "change reference data, settings, policy versions and user accounts"


# The least role that holds each permission (each role holds all a lesser one does).
LEAST_ROLE = {
    Permission.VIEW: Role.VIEWER,
    Permission.ENTER: Role.AUDITOR,
    Permission.COMPLETE_REVIEW: Role.LEAD,
    Permission.MANAGE_ACTIONS: Role.LEAD,
    Permission.EXPORT_IDENTIFIABLE: Role.LEAD,
    Permission.ADMIN: Role.ADMIN,
}


class AccessDenied(PermissionError):
    """A user asked for something their role or site grant does not allow; nothing was
    changed."""


class AccountDisabled(AccessDenied):
    """The session's account was disabled (or removed from its role) while it was open: the
    change is refused and the session is signed out."""


@dataclass(frozen=True)
class Access:
    """A session's right to the store: who, in which role, at which sites (None = every
    site). ``account`` is False for a database without accounts (no sign-in, no limits)."""

    user: str
    role: Role = Role.ADMIN
    sites: frozenset[str] | None = None
    account: bool = False

    @classmethod
    def unrestricted(cls, user: str) -> Access:
        return cls(user)

    @classmethod
    def for_account(cls, user: str, role: Role | str, sites: Iterable[str] | None) -> Access:
        site_set = frozenset(sites) if sites else None
        return cls(user, Role.parse(role), site_set, True)

    # --- questions -----------------------------------------------------------------------------

    def may(self, permission: Permission) -> bool:
        return self.role.rank >= LEAST_ROLE[permission].rank

    def sees_site(self, site_code: str | None) -> bool:
        """Whether records of this site are this user's to see (a record without a site,
        such as a review, is everyone's)."""
        return self.sites is None or site_code is None or site_code in self.sites

    @property
    def every_site(self) -> bool:
        return self.sites is None

    @property
    def masks_patients(self) -> bool:
        """Viewers see patient references masked (SPEC 8)."""
        return self.account and self.role is Role.VIEWER

    def visible_sites(self, all_sites: Iterable[str]) -> list[str]:
        return [s for s in all_sites if self.sees_site(s)]

    # --- refusals ------------------------------------------------------------------------------

    def require(self, permission: Permission, site_code: str | None = None) -> None:
        """Raise AccessDenied unless this session may do ``permission`` (at ``site_code``)."""
        if not self.may(permission):
            raise AccessDenied(
                f"{self.user} ({self.role.value}) may not {permission.value}: that needs the "
                f"{LEAST_ROLE[permission].value} role or above; nothing was changed")
        if not self.sees_site(site_code):
            raise AccessDenied(
                f"{self.user} has no grant for site {site_code} (granted: "
                f"{', '.join(sorted(self.sites or ()))}); nothing was changed")

    def describe(self) -> str:
        where = "every site" if self.sites is None else ", ".join(sorted(self.sites))
        return f"{self.user} · {self.role.value} · {where}"


MASK = "*"


def mask_patient_ref(value: str | None) -> str | None:
    """A patient reference as a viewer sees it: an NHS number's last three digits only (to
    tell rows apart), a short local number not at all."""
    if not value:
        return value
    text = str(value)
    if len(text) < 10:
        return MASK * 6
    return MASK * (len(text) - 3) + text[-3:]
