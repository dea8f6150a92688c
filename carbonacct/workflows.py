"""Multi-step recipes over the public API: each stage's result feeds the next, none re-run.

- :func:`check_from_readings`: the yearly footprint of meter readings, then the check.
- :func:`check_footprint`: the check of a footprint, with the price basis the activity gives.
- :func:`rollup`: a monthly footprint summed to years, with the year's intensities.
- :func:`firm_report_from_readings`: one footprint by month and carrier feeds the
  report's charts, the yearly figures, the check and the green-factory score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from carbonacct.io import TableLike
from carbonacct.periods import period_year

if TYPE_CHECKING:
    from carbonacct.activity import Activity
    from carbonacct.options import Method
    from carbonacct.reports import ReportData
    from carbonacct.results import Footprint

__all__ = ["check_footprint", "check_from_readings", "firm_report_from_readings", "rollup"]

#: Columns of a footprint that are not summed when it is rolled up.
_NOT_SUMMED = ("firm_id", "period", "carrier", "site_id", "meter_id", "activity_unit")


def check_from_readings(
    readings: TableLike | Sequence[TableLike],
    firms: TableLike,
    activity: TableLike,
    *,
    pathways: Iterable[str | Path] | None = None,
    year: int | None = None,
    price_basis: str | None = None,
    deflator: TableLike | None = None,
    actuals: TableLike | None = None,
    exclusions: str | Path | None = None,
    **footprint_options: Any,
) -> Any:
    """Run the yearly footprint on meter readings, then check it.

    Readings may carry a ``product`` column (the product or process boundary each
    serves: ``cement_clinker``, ``blast_furnace_iron``, ``bof_steel``...): a tagged
    product is checked on the energy and electricity of its own readings per its output,
    never on whole-site energy. ``activity`` gives value added and outputs; a ``price_basis`` column in it
    (``constant:2020``, ``current``) says at which prices each value added is, else
    ``price_basis`` here. ``footprint_options`` go to :func:`carbonacct.footprint`.

    Returns
    -------
    CheckResult
        Its provenance holds the footprint's (``provenance["footprint"]``), quality included.
    """
    import carbonacct
    from carbonacct.activity import read_activity
    from carbonacct.compliance._exclusions import with_green_certificates

    method = footprint_options.pop("method", carbonacct.Method()).replace(period="year")
    # read once: the footprint's intensities and the price basis of the check
    read = read_activity(activity, "year")
    green = footprint_options.pop("green_electricity", None)
    # readings tagged with a product or process boundary give that product's own energy
    footprint_options.setdefault("by", ("product",))
    fp = carbonacct.footprint(
        readings,
        firms=_with_credit_code_provinces(firms),
        activity=read,
        method=method,
        **footprint_options,
    )
    if green is not None:
        # 绿证 leave the energy of the intensity per value added (113号), never a product's
        fp = with_green_certificates(fp, green)
    return check_footprint(
        fp,
        firms,
        read,
        pathways=pathways,
        year=year,
        price_basis=price_basis,
        deflator=deflator,
        actuals=actuals,
        exclusions=exclusions,
    )


def _with_credit_code_provinces(firms: TableLike) -> TableLike:
    """The firms as given, or, where a province comes from a credit code's division digits,
    the table with it filled: the footprint then takes that province's grid factor, as the
    check takes its pathway (the check's firms table says where each province came from)."""
    from carbonacct.compliance._inputs import read_firms

    frame, _ = read_firms(firms)
    derived = frame["province_source"] == "unified social credit code (division digits 3-4)"
    # a refused row (a province naming no single region, a firm given twice) fails only its
    # firm in the check: the footprint gets the rows it can use (that province left empty)
    refused = frame["_invalid"].is_not_null()
    if not (derived.any() or refused.any()):
        return firms
    return frame.drop("province_source", "_invalid", "row", "_source")


def check_footprint(
    footprint: Footprint,
    firms: TableLike,
    activity: TableLike | Activity | None = None,
    *,
    pathways: Iterable[str | Path] | None = None,
    year: int | None = None,
    price_basis: str | None = None,
    deflator: TableLike | None = None,
    actuals: TableLike | None = None,
    exclusions: str | Path | None = None,
) -> Any:
    """Check a yearly footprint; the ``price_basis`` column of ``activity`` is honoured.

    Returns
    -------
    CheckResult
    """
    import carbonacct

    return carbonacct.check(
        firms,
        footprint,
        actuals=actuals,
        pathways=pathways,
        year=year,
        price_basis=_price_basis(activity, price_basis),
        deflator=deflator,
        exclusions=exclusions,
    )


def _price_basis(
    activity: TableLike | Activity | None, default: str | None
) -> str | pl.DataFrame | None:
    """The prices of each firm-year's value added: the activity's column, else ``default``."""
    from carbonacct.activity import activity_price_basis, read_activity

    if activity is None:
        return default
    given = activity_price_basis(read_activity(activity, "year"), default)
    if not isinstance(given, pl.DataFrame) or default is None:
        return given
    # ``default`` still holds for the rows the activity does not list (the actuals' base years)
    elsewhere = pl.DataFrame(
        {"firm_id": [None], "year": [None], "price_basis": [default]},
        schema={"firm_id": pl.String, "year": pl.Int32, "price_basis": pl.String},
    )
    return pl.concat([given.cast(elsewhere.schema), elsewhere])


def rollup(
    footprint: Footprint, *, activity: TableLike | None = None, method: Method | None = None
) -> Footprint:
    """A footprint by month or quarter (and carrier, site...) summed to one row per firm and year.

    The sums are those of the yearly footprint of the same readings (the
    readings are not read again); with ``activity`` the year's intensities
    are computed as :func:`carbonacct.footprint` computes them.

    Parameters
    ----------
    footprint : Footprint
        Any period and breakdown.
    activity : path or frame, optional
        Value added [万元] and outputs per firm and year.
    method : Method, optional
        The method of ``footprint`` (recorded in the result's provenance with
        ``period="year"``); default: the one its provenance records.

    Examples
    --------
    >>> import carbonacct, polars as pl
    >>> readings = pl.DataFrame({"firm_id": ["A", "A"], "carrier": ["diesel", "diesel"],
    ...     "value": [1.0, 2.0], "unit": ["t", "t"], "period": ["2024-01", "2024-02"]})
    >>> monthly = carbonacct.footprint(readings, method=carbonacct.Method(period="month"))
    >>> yearly = rollup(monthly)
    >>> yearly.table["period"].to_list(), round(yearly.table["energy_tce"][0], 4)  # 3 t × 1.4571
    (['2024'], 4.3713)
    """
    from carbonacct.intensity import intensities, read_activity
    from carbonacct.provenance import Provenance
    from carbonacct.results import Footprint

    t = footprint.table
    summed = [
        c
        for c, d in t.schema.items()
        if c not in _NOT_SUMMED and d.is_numeric() and "_per_" not in c
    ]
    summed = [c for c in summed if c not in ("activity", "value_added_cny10k", "rows_rejected")]
    year = period_year()
    # rows rejected are counted once per firm-period, repeated on each carrier's row
    rejected = (
        t.group_by("firm_id", "period")
        .agg(pl.col("rows_rejected").first())
        .group_by("firm_id", year.alias("period"))
        .agg(pl.col("rows_rejected").sum())
    )
    table = (
        t.group_by("firm_id", year.alias("period"))
        # a year whose every row was rejected has no figures ("—"), not 0
        .agg(pl.when(pl.col(summed).count() > 0).then(pl.col(summed).sum()))
        .join(rejected, on=["firm_id", "period"], how="left")
        .sort("firm_id", "period")
    )
    per_product, refused = None, footprint.activity_rejects
    if activity is not None:
        read = read_activity(activity, "year")
        table, per_product = intensities(table, read.frame, ())
        refused = read.rejects
    prov = Provenance(footprint.provenance)
    if method is not None:
        prov["method"] = method.replace(period="year").to_dict()
    else:
        prov["method"] = {**prov["method"], "period": "year"}
    prov["rollup"] = (
        f"summed to years from the footprint by {footprint.provenance.method['period']}"
    )
    return Footprint(
        table,
        footprint.quality,
        footprint.factors_used,
        prov,
        per_product,
        None,
        None,
        None,
        activity_rejects=refused,
    )


def firm_report_from_readings(
    readings: TableLike | Sequence[TableLike],
    firms: TableLike,
    firm_id: str,
    *,
    activity: TableLike | None = None,
    actuals: TableLike | None = None,
    assessment: Any = None,
    pathways: Iterable[str | Path] | None = None,
    price_basis: str | None = None,
    method: Method | None = None,
    run: Any = None,
    lang: str = "en",
    path: str | Path | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> ReportData:
    """A firm's report from its readings, the footprint run once.

    The footprint by month and carrier, summed to years and over carriers
    (:func:`rollup`), gives the headline figures and intensities, its quality and
    factors, and the charts. Where readings cover a quarter or a year (rejected
    by a monthly run), the figures, quality and factors come from a second run
    by year, and the monthly run only draws the charts (its rejects are not
    counted again). The yearly figures feed the check
    (:func:`check_footprint`, when ``activity`` or ``actuals`` give base-year
    figures) and the green-factory score of ``assessment``. ``provenance`` adds
    records to the footprint's provenance (such as the project file the options
    came from), shown on the page.

    Returns
    -------
    ReportData
        What the page shows, its ``html`` and the footprints (with their quality).
    """
    import carbonacct
    from carbonacct.reports import build_report_data, render_firm, write_report

    method = method or carbonacct.Method()
    options = {"run": run} if run is not None else {}
    monthly = carbonacct.footprint(
        readings, firms=firms, by=["carrier"], method=method.replace(period="month"), **options
    )
    by_year = monthly
    if monthly.quality.rejected_by_reason.get("period_coarser_than_requested"):
        # readings for a quarter or a year: the figures come from a run by year, the
        # monthly run only draws the charts (its rejects are not counted again)
        by_year = carbonacct.footprint(
            readings, firms=firms, by=["carrier"], method=method.replace(period="year"), **options
        )
    by_year.provenance.update(provenance or {})
    yearly = rollup(by_year, activity=activity, method=method)
    check = None
    if activity is not None or actuals is not None:
        check = check_footprint(
            yearly, firms, activity, pathways=pathways, price_basis=price_basis, actuals=actuals
        )
    green = None
    if assessment is not None:
        from carbonacct.green_factory import score

        green = score(assessment, footprint=yearly)
    data = build_report_data(
        firm_id, monthly, yearly=yearly, check=check, green=green, lang=lang, by_year=by_year
    )
    data.html = render_firm(data)
    if path is not None:
        write_report(data, path)  # .html, or .pdf
    return data
