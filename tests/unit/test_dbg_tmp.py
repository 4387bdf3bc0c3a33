from casereview.domain.move import Move
from casereview.domain.record import FastRows, shape, stored_row
from casereview.domain.validation import validate
def test_x(ctx):
    raw = {'moved_at': '2026-11-16 23:15', 'site_code': 'WCH', 'from_ward': 'B1', 'to_ward': 'B2', 'reason': 'CAPACITY'}
    print(FastRows(Move, ctx).rows()(dict(raw)))
    print(tuple(stored_row(validate(Move, raw, ctx)).values()))
    assert 0
