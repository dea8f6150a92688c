"""What the fast path skips must give the same answers as the work it skips.

- Unit conversions of common units come from a table instead of the pint
  registry: every entry equals the registry's own answer, bit for bit, and a
  pair of different dimensions is refused with the registry's message.
- A shipped factor set whose files equal the pins is not re-checked row by
  row at load: every shipped set passes the row checks (here).
- A footprint of typed Parquet in tabled units builds no registry, imports
  no pint.
- Rows appended out of order are read before the pass (:mod:`carbonacct._prefetch`),
  so the second look at their originals reads nothing again, with the same result.
"""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carbonacct import _kernel, _prefetch, units
from carbonacct._factor_schema import check_factors
from carbonacct.errors import DimensionalityError
from carbonacct.factors import FactorLibrary
from tests.test_kernel import assert_same_footprint, clean_rows, footprints, write


def _registry_factor(a: str, b: str) -> float:
    src, dst = units.parse_unit(a), units.parse_unit(b)
    assert src.dimensionality == dst.dimensionality
    return float(src.to(dst.units).magnitude / dst.magnitude)


@pytest.mark.parametrize(("pair", "factor"), list(units.TABLED_FACTORS.items()))
def test_every_tabled_factor_is_the_registrys_to_the_last_bit(
    pair: tuple[str, str], factor: float
) -> None:
    assert _registry_factor(*pair) == factor


@pytest.mark.parametrize(("unit", "dimension"), list(units.TABLED_DIMENSIONS.items()))
def test_every_tabled_unit_reads_as_itself_with_the_registrys_dimension(
    unit: str, dimension: str
) -> None:
    assert units._dim(units.parse_unit(unit)) == dimension
    assert units._read(unit, True)[1] == units.ResolvedUnit(unit, None)  # the grammar's answer


@pytest.mark.parametrize("unit", list(units.TABLED_DIMENSIONS))
def test_a_tabled_unit_is_said_in_the_words_the_registry_gives(unit: str) -> None:
    from carbonacct import _unit_words

    tabled = _unit_words.words(unit)
    _unit_words.words.cache_clear()
    real = units.TABLED_DIMENSIONS.pop(unit)  # the registry's answer for the same unit
    try:
        assert _unit_words.words(unit) == tabled
    finally:
        units.TABLED_DIMENSIONS[unit] = real
        _unit_words.words.cache_clear()


def test_tabled_units_of_different_dimensions_are_refused_as_the_registry_refuses() -> None:
    for a, b in itertools.permutations(units.TABLED_DIMENSIONS, 2):
        if units.TABLED_DIMENSIONS[a] == units.TABLED_DIMENSIONS[b]:
            continue
        with pytest.raises(DimensionalityError) as tabled:
            units.conversion_factor(a, b)
        assert str(tabled.value) == str(units._cannot_convert(a, b))
        # the registry refuses the pair too
        assert units.parse_unit(a).dimensionality != units.parse_unit(b).dimensionality


def test_every_shipped_factor_set_passes_the_row_checks() -> None:
    """Loading skips the row checks for sets equal to the pins; they pass them all."""
    lib = FactorLibrary.load()
    assert lib.sets
    for fs in lib.sets.values():
        assert fs.status == "shipped"
        check_factors(fs.data, fs.manifest.path)  # raises on any bad row


def test_modified_shipped_set_is_still_checked_row_by_row(tmp_path: Path) -> None:
    import shutil

    from carbonacct._factor_sets import read_factor_set
    from carbonacct.errors import FactorFileError

    target = next(iter(FactorLibrary.load().sets.values()))
    manifest = Path(target.manifest.path)
    copy = tmp_path / manifest.parent.name  # a shipped set's id, files changed: modified
    shutil.copytree(manifest.parent, copy)
    data = copy / target.manifest.data
    lines = data.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("unit")] = "furlong"
    data.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(FactorFileError, match="furlong"):
        read_factor_set(copy / manifest.name, verify=False, allow_modified=True)


_NO_PINT = """
import sys, carbonacct
r = carbonacct.footprint(sys.argv[1], method=carbonacct.Method(period="month", grid_factor="national"),
                         run=carbonacct.RunOptions(checksum=False))
print(json.dumps([r.quality.rows_in, r.quality.rejected_by_reason, "pint" in sys.modules]))
"""


def test_a_parquet_footprint_in_tabled_units_imports_no_pint(tmp_path: Path) -> None:
    """Also with steam in GJ (tried against tonnes first) and a unit of the wrong dimension:
    the refusals are worded from the table."""
    rows = clean_rows(2, 3, 50, seed=3)
    rows += [dict(r, meter_id="S", carrier="steam", unit="GJ") for r in rows[:20]]
    rows += [dict(rows[0], meter_id="E", unit="t")]  # electricity in tonnes: unit_dimension
    path = write(rows, tmp_path / "r.parquet", row_group=100)
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + _NO_PINT, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == [321, {"unit_dimension": 1}, False]


def test_out_of_order_row_groups_are_told_by_their_statistics(tmp_path: Path) -> None:
    rows = clean_rows(4, 2, 100, seed=4)  # 8 meters of 100 readings, sorted
    late = [dict(rows[5]), dict(rows[250]), dict(rows[790])]
    path = write(rows + late, tmp_path / "r.parquet", row_group=100)
    tasks = [(str(path), g, 0, 1 + 100 * g) for g in range(9)]
    assert _prefetch.out_of_order(tasks) == [8]  # only the appended rows' group
    sorted_only = write(rows, tmp_path / "s.parquet", row_group=150)  # meters cross groups
    assert _prefetch.out_of_order([(str(sorted_only), g, 0, 0) for g in range(6)]) == []
    wanted = _prefetch.wanted(tasks, False)
    assert wanted is not None
    assert sorted(wanted.keys.rows()) == sorted(
        (r["firm_id"], r["meter_id"], int(r["timestamp"].timestamp() * 1e6)) for r in late
    )


def test_no_statistics_no_guess(tmp_path: Path) -> None:
    rows = clean_rows(2, 2, 50, seed=5)
    table = pa.Table.from_pylist([*rows, dict(rows[3])])
    pq.write_table(table, tmp_path / "r.parquet", row_group_size=50, write_statistics=False)
    tasks = [(str(tmp_path / "r.parquet"), g, 0, 0) for g in range(5)]
    assert _prefetch.out_of_order(tasks) == [] and _prefetch.wanted(tasks, False) is None


@pytest.mark.parametrize("check", [True, False], ids=["dup-check", "no-dup-check"])
def test_appended_copies_need_no_second_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check: bool
) -> None:
    """Identical, conflicting and unit-conflicting copies appended in random order, bad rows in
    between: answered from the rows kept in the pass (no row group read twice), and the same
    footprint, rejects and completeness as the polars path."""
    rows = clean_rows(4, 3, 300, seed=6)
    rnd = random.Random(7)
    late = []
    for i in rnd.sample(range(len(rows)), 60):
        r = rows[i]
        late.append(dict(r) if i % 3 else dict(r, value=r["value"] + 1))
        if r["unit"] == "kWh" and i % 2:
            late.append(dict(r, unit="MWh", value=r["value"] / 1000))
    for i in rnd.sample(range(len(rows)), 40):  # bad values: rejected, the runs go on
        rows[i] = dict(rows[i], value=rnd.choice([None, -1.0, float("nan")]))
    rnd.shuffle(late)
    path = write(rows + late, tmp_path / "r.parquet", row_group=500)
    second: list[object] = []
    real = _kernel._fetch
    monkeypatch.setattr(_kernel, "_fetch", lambda *a: second.append(a) or real(*a))
    fast, slow = footprints(path, monkeypatch, check_duplicates=check)
    assert_same_footprint(fast, slow)
    by_time = [a for a in second if any("_ts" in k.columns for k in a[3].values())]  # type: ignore[index]
    assert by_time == []  # (a meter whose first reading was removed is measured row by row)
    if check:
        assert fast.quality.rejected_by_reason["conflicting_duplicate"] > 0
        assert fast.quality.rejected_by_reason["duplicate_reading"] > 0


def test_a_straggler_the_statistics_do_not_show_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file without statistics: nothing is read first, the straggler's original is found by
    reading again: the guess decides the cost, never the result."""
    rows = clean_rows(3, 1, 200, seed=8)  # F0-M0, F1-M0, F2-M0
    copy = dict(rows[20], value=rows[20]["value"] + 1)  # F0-M0 again, after F1-M0's rows
    table = pa.Table.from_pylist([*rows[:400], copy, *rows[400:]])
    pq.write_table(table, tmp_path / "r.parquet", row_group_size=100, write_statistics=False)
    second: list[object] = []
    real = _kernel._fetch
    monkeypatch.setattr(_kernel, "_fetch", lambda *a: second.append(a) or real(*a))
    fast, slow = footprints(tmp_path / "r.parquet", monkeypatch)
    assert_same_footprint(fast, slow)
    assert second and fast.quality.rejected_by_reason == {"conflicting_duplicate": 2}
