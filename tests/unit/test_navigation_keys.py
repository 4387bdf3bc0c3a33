"""Every screen on the home screen has its own key (screens are added by several programmes,
so two could otherwise claim the same letter and one become unreachable)."""

from collections import Counter

from casereview.tui.navigation import destinations


def test_home_screen_keys_are_unique():
    keys = Counter(d.key for d in destinations())
    assert [k for k, n in keys.items() if n > 1] == []


def test_history_and_deleted_records_are_reachable():
    titles = {d.key: d.title for d in destinations()}
    assert titles["h"] == "History" and titles["d"] == "Deleted records"
