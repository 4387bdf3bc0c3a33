"""Lists page through the whole history by keyset (never OFFSET), from an index: the first,
next, previous and oldest pages, ties in the order column, deleted records left out."""

from casereview.domain.move import Move
from casereview.domain.validation import validate
from casereview.storage.db import now_utc, transaction
from casereview.storage.moves import moves_register
from casereview.storage.records import insert_many, soft_delete


def _moves(ref_db, ctx, stamps):
    rows = [validate(Move, {"moved_at": s, "site_code": site, "from_ward": w1, "to_ward": w2,
                            "reason": "CAPACITY"}, ctx).to_row()
            for s, (site, w1, w2) in stamps]
    with transaction(ref_db) as conn:
        insert_many(conn, "move", rows, "test", now_utc())


def _ids(page):
    return [r["id"] for r in page.rows]


def _fill(ref_db, ctx, n=23):
    # Three moves share each minute: the id breaks the tie.
    stamps = [(f"2026-11-{1 + i // 3:02d} 23:00", ("NGH", "A1", "A2"))
              for i in range(n)]
    _moves(ref_db, ctx, stamps)
    return list(range(n, 0, -1))  # newest first: ids n..1


def test_pages_cover_every_record_once_in_order_forwards_and_back(ref_db, ctx):
    newest_first = _fill(ref_db, ctx)
    keyset = moves_register()
    conn = ref_db.conn
    page = keyset.first(conn, 5)
    seen = list(_ids(page))
    assert page.at_start and not page.at_end
    while not page.at_end:
        page = keyset.after(conn, page.last_key(), 5)
        seen += _ids(page)
    assert seen == newest_first
    back = list(_ids(page))
    while not page.at_start:
        page = keyset.before(conn, page.first_key(), 5)
        back = _ids(page) + back
    assert back == newest_first


def test_oldest_page_is_the_end_of_the_list(ref_db, ctx):
    newest_first = _fill(ref_db, ctx)
    page = moves_register().last(ref_db.conn, 5)
    assert _ids(page) == newest_first[-5:] and page.at_end and not page.at_start
    whole = moves_register().last(ref_db.conn, 100)
    assert _ids(whole) == newest_first and whole.at_start and whole.at_end


def test_deleted_records_are_not_listed_and_a_site_filter_holds(ref_db, ctx):
    _moves(ref_db, ctx, [("2026-11-16 23:00", ("NGH", "A1", "A2")),
                         ("2026-11-16 23:10", ("WCH", "B1", "B2")),
                         ("2026-11-16 23:20", ("NGH", "A2", "A3"))])
    soft_delete(ref_db, "move", 3, "test")
    assert _ids(moves_register().first(ref_db.conn, 10)) == [2, 1]
    assert _ids(moves_register("WCH").first(ref_db.conn, 10)) == [2]
    assert moves_register().count(ref_db.conn) == 2


def test_empty_list(ref_db):
    page = moves_register().first(ref_db.conn, 10)
    assert page.rows == [] and page.at_start and page.at_end and page.first_key() is None


def test_pages_are_read_from_an_index_without_sorting(ref_db):
    """EXPLAIN QUERY PLAN: a search of an index, no table scan, no temporary sort, for the
    register at every site and at one site."""
    for keyset in (moves_register(), moves_register("NGH")):
        plan = " ".join(keyset.plan(ref_db.conn))
        assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, plan
        assert not plan.startswith("SCAN move "), plan


def test_every_record_list_pages_from_an_index_without_sorting(ref_db):
    """The reviews, Transfer of Care and experience lists, unfiltered and with each filter
    the screens offer: a search of an index in list order, never a table scan or a sort."""
    from casereview.domain.toc import Adherence
    from casereview.storage.experience import SampleFilter, sample_list
    from casereview.storage.reviews import ReviewFilter, review_list
    from casereview.storage.toc import TocFilter, toc_list

    keysets = [
        review_list(), review_list(ReviewFilter(status="draft", theme="FAMILY")),
        review_list(ReviewFilter(second_stage=False)),
        toc_list(), toc_list(TocFilter(site_code="NGH")), toc_list(TocFilter(ward_code="A1")),
        toc_list(TocFilter(adherence=Adherence.FULL)),
        sample_list(), sample_list(SampleFilter(ward_code="A1")),
        sample_list(SampleFilter(answers={"fft": "POOR"}, theme="FOOD")),
    ]
    for keyset in keysets:
        plan = " ".join(keyset.plan(ref_db.conn))
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
        assert not plan.startswith(f"SCAN {keyset.table} "), plan
