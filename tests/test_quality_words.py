"""The terminal's quality lines say each note in words, not as a bare code."""

from carbonacct.quality import QualityReport


def test_notes_in_words_with_their_code():
    q = QualityReport(3, 3, 0, {}, {"register_baseline": 1, "register_split": 2}, [])
    lines = q.summary().splitlines()
    assert lines[0] == "rows in 3 = accounted 3 + rejected 0"
    assert "1 meter register readings were a meter's first reading (its baseline)" in lines[1]
    assert lines[1].endswith("[register_baseline]")
    assert lines[2].startswith("  note: 2 meter register intervals spanned a month end")


def test_a_note_without_words_keeps_its_count_and_code():
    q = QualityReport(1, 1, 0, {}, {"something_new": 4}, [])
    assert q.summary().splitlines()[1] == "  note: 4 something_new"
