"""Which screen actions need more than a viewer's role (SPEC 8), in one table: the app hides
the keys a signed-in role may not use from the footer and the command palette, and refuses
them if pressed. The storage layer refuses the change itself whatever the screen offers;
this is so that a person is not offered what they cannot do.

Screens are named by class name (so this table imports no screen); a test checks every
entry names a real screen and action.
"""

from __future__ import annotations

from casereview.domain.access import Permission

ENTER, LEAD, ADMIN = Permission.ENTER, Permission.MANAGE_ACTIONS, Permission.ADMIN

ACTION_PERMISSIONS: dict[tuple[str, str], Permission] = {
    ("HomeScreen", "set_target"): LEAD,
    ("ChartScreen", "rebase"): LEAD,
    ("ChartScreen", "note"): LEAD,
    ("ChartScreen", "remove_note"): LEAD,
    ("NightLogScreen", "close_night"): ENTER,
    ("NightLogScreen", "delete_move"): ENTER,
    ("ReviewListScreen", "new"): ENTER,
    ("ReviewListScreen", "delete"): ENTER,
    ("ReviewFormScreen", "save"): ENTER,
    ("ReviewFormScreen", "save_draft"): ENTER,
    ("ReviewFormScreen", "complete"): Permission.COMPLETE_REVIEW,
    ("ReviewFormScreen", "sign_off"): Permission.COMPLETE_REVIEW,
    ("ReviewFormScreen", "amend"): Permission.COMPLETE_REVIEW,
    ("TocListScreen", "new"): ENTER,
    ("TocListScreen", "delete"): ENTER,
    ("TocFormScreen", "save"): ENTER,
    ("TocPolicyScreen", "save"): ADMIN,
    ("ExperienceEntryScreen", "save"): ENTER,
    ("ExperienceEntryScreen", "delete_sample"): ENTER,
    ("ExperienceListScreen", "delete_sample"): ENTER,
    ("ExperienceGridScreen", "enter_samples"): ENTER,
    ("ExperienceGridScreen", "set_target"): LEAD,
    ("DeletedScreen", "restore"): ENTER,
    ("ActionListScreen", "new"): LEAD,
    ("ActionListScreen", "delete"): LEAD,
    ("ActionFormScreen", "save"): LEAD,
    ("ActionFormScreen", "close_done"): LEAD,
    ("ActionFormScreen", "add_note"): LEAD,
    ("ProgressNoteScreen", "save"): LEAD,
    ("TargetListScreen", "new"): LEAD,
    ("TargetListScreen", "delete"): LEAD,
    ("TargetFormScreen", "save"): LEAD,
}


def needed_for(target: object, action: str) -> Permission | None:
    """The permission an action of this screen needs beyond viewing, if any."""
    for cls in type(target).__mro__:
        permission = ACTION_PERMISSIONS.get((cls.__name__, action))
        if permission is not None:
            return permission
    return None
