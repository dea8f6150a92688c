"""The carbon mass balance: CO2 = (Σ carbon in − Σ carbon out) × 44/12.

Any sector method whose guideline accounts a process by its carbon balance
(chemicals, carbon materials, the steel guideline's enterprise level) reads its
streams as lines of category ``carbon_balance_in`` or ``carbon_balance_out``,
each with a ``quantity`` [t or 10^4 Nm3] and a ``carbon_content`` [tC per unit
of quantity]. A stream's carbon is ``quantity × carbon_content``; the carbon
that enters and does not leave in a product, a by-product or a waste is emitted
as CO2, 44/12 t per t of carbon (the molar masses of CO2 and C, exact; never a
rounded 3.67).

References
----------
GB/T 32151.10-2015 (chemicals) and the 2013 NDRC chemicals guideline,
原材料消耗 carbon balance; GB/T 32151.34-2024 (carbon materials), the
calcination, baking and graphitisation balances.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from carbonacct.errors import InputError, format_rows

__all__ = [
    "BALANCE_IN",
    "BALANCE_OUT",
    "CO2_PER_C",
    "balance_co2",
    "carbon_balance",
    "check_balances",
    "refuse_open_balances",
    "stream_carbon",
]

CO2_PER_C = 44 / 12
"""tCO2 per tC: the molar mass ratio of CO2 to C (44/12, exact)."""

BALANCE_IN = "carbon_balance_in"
BALANCE_OUT = "carbon_balance_out"


def stream_carbon(
    quantity: str | pl.Expr = "quantity", carbon_content: str | pl.Expr = "carbon_content"
) -> pl.Expr:
    """The carbon a stream carries [tC]: quantity × carbon content.

    Parameters
    ----------
    quantity : str or polars.Expr
        The stream's quantity [t or 10^4 Nm3].
    carbon_content : str or polars.Expr
        Its carbon content [tC/t or tC/10^4 Nm3].

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"quantity": [100.0], "carbon_content": [0.836]}).select(
    ...     stream_carbon()
    ... ).item()
    83.6
    """
    q = pl.col(quantity) if isinstance(quantity, str) else quantity
    cc = pl.col(carbon_content) if isinstance(carbon_content, str) else carbon_content
    return (q * cc).alias("carbon_t")


def balance_co2(category: str = "category") -> pl.Expr:
    """Each balance line's signed CO2 [t]: + carbon × 44/12 in, − carbon × 44/12 out.

    A line of another category gives null, so a method can combine this with
    its other formulas in one ``pl.when`` chain.

    Examples
    --------
    >>> import polars as pl
    >>> lines = pl.DataFrame({
    ...     "category": ["carbon_balance_in", "carbon_balance_out"],
    ...     "quantity": [100.0, 60.0],
    ...     "carbon_content": [0.836, 0.857],
    ... })
    >>> round(lines.select(balance_co2()).to_series().sum(), 4)
    117.9933
    """
    carbon = stream_carbon()
    cat = pl.col(category)
    return (
        pl.when(cat == BALANCE_IN)
        .then(carbon * CO2_PER_C)
        .when(cat == BALANCE_OUT)
        .then(-carbon * CO2_PER_C)
        .otherwise(None)
        .alias("co2_t")
    )


def carbon_balance(
    lines: pl.DataFrame, by: Sequence[str] = ("month", "process"), category: str = "category"
) -> pl.DataFrame:
    """The carbon balance per group: carbon in, carbon out, net carbon [tC] and CO2 [t].

    Parameters
    ----------
    lines : polars.DataFrame
        Lines with ``category``, ``quantity`` and ``carbon_content``; lines of
        other categories are ignored.
    by : sequence of str
        The grouping columns present in ``lines`` (e.g. month and process).

    Returns
    -------
    polars.DataFrame
        One row per group: ``carbon_in_t``, ``carbon_out_t``, ``carbon_net_t``
        [tC] and ``co2_t`` = net carbon × 44/12 [tCO2] (negative when more
        carbon leaves than enters: the guideline's balance is then not closed
        and the method decides what to do with it).

    Examples
    --------
    The reference's worked case (sector methods §7.3): 100 t naphtha at
    0.836 tC/t in, 60 t ethylene at 0.857 tC/t (24/28 to three places) out,
    (83.6 − 51.42) × 44/12 = 117.9933…:

    >>> import polars as pl
    >>> lines = pl.DataFrame({
    ...     "process": ["cracker", "cracker"],
    ...     "category": ["carbon_balance_in", "carbon_balance_out"],
    ...     "quantity": [100.0, 60.0],
    ...     "carbon_content": [0.836, 0.857],
    ... })
    >>> out = carbon_balance(lines, by=["process"])
    >>> round(out["co2_t"].item(), 2)
    117.99
    """
    group = list(by)
    cat = pl.col(category)
    carbon = stream_carbon()
    return (
        lines.filter(cat.is_in([BALANCE_IN, BALANCE_OUT]))
        .group_by(group, maintain_order=True)
        .agg(
            carbon.filter(cat == BALANCE_IN).sum().alias("carbon_in_t"),
            carbon.filter(cat == BALANCE_OUT).sum().alias("carbon_out_t"),
        )
        .with_columns((pl.col("carbon_in_t") - pl.col("carbon_out_t")).alias("carbon_net_t"))
        .with_columns((pl.col("carbon_net_t") * CO2_PER_C).alias("co2_t"))
    )


def check_balances(lines: pl.DataFrame, document: str, by: Sequence[str] = ("process",)) -> None:
    """Refuse a balance that loses carbon over the whole record (more out than in).

    A single month may come out negative (material held in a furnace or in
    stock at the month's end), but over the whole record a process cannot
    emit less than nothing: that is a quantity or a carbon content in the
    wrong row, or a stock drawn down that is not in the record.

    Raises
    ------
    InputError
        Naming each process, its carbon in and out [tC], and what to check.
    """
    balance = lines.filter(pl.col("category").is_in([BALANCE_IN, BALANCE_OUT]))
    if not balance.height:
        return
    keys = [k for k in ("firm_id", *by) if k in lines.columns]
    sums = carbon_balance(balance, by=keys)
    bad = sums.filter(pl.col("carbon_net_t") < -1e-9)
    if bad.height:
        shown = bad.select(*keys, "carbon_in_t", "carbon_out_t").with_columns(
            pl.col("carbon_in_t", "carbon_out_t").round(3)
        )
        raise InputError(
            f"{document}: more carbon leaves than enters a carbon balance over the whole record "
            "(Σ quantity × carbon content out > in): check the quantities and carbon contents "
            "(% or tC/t), the 碳输入/碳输出 category of each stream, and add a stock drawn down "
            "(库存减少) as a carbon_balance_in stream:" + format_rows(shown.to_dicts()),
            rows=bad.height,
        )


def refuse_open_balances(
    rows: pl.DataFrame, lines: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Refuse every carbon balance (firm, month, process) one of whose streams is rejected.

    A balance without one of its streams is not a smaller balance: computed from
    the rest it gives a wrong figure (its inputs alone, say). The other streams
    of that balance are rejected too, the reason naming the stream(s) missing,
    and their lines are taken out of ``lines``.

    Parameters
    ----------
    rows : polars.DataFrame
        The record's rows with ``category`` and ``reject_reason``.
    lines : polars.DataFrame
        The resolved lines handed to the method.

    Returns
    -------
    tuple of polars.DataFrame
        The rows with the open balances' rows rejected, and the lines without them.
    """
    keys = [k for k in ("firm_id", "month", "process") if k in rows.columns]
    is_balance = pl.col("category").is_in([BALANCE_IN, BALANCE_OUT])
    bad = (
        rows.filter(is_balance & pl.col("reject_reason").is_not_null())
        .group_by(keys, maintain_order=True)
        .agg(pl.col("material").cast(pl.String).unique(maintain_order=True).str.join(", "))
    )
    if not bad.height:
        return rows, lines
    why = bad.select(
        *keys,
        pl.format(
            "carbon balance of process {}, month {} not computed: its stream(s) {} rejected "
            "(a balance cannot be computed without one of its streams; correct them)",
            pl.col("process").fill_null("-"),
            pl.col("month"),
            pl.col("material"),
        ).alias("_open"),
    )
    rows = rows.join(why, on=keys, how="left", nulls_equal=True, maintain_order="left")
    rows = rows.with_columns(
        pl.when(is_balance & pl.col("reject_reason").is_null())
        .then(pl.col("_open"))
        .otherwise(pl.col("reject_reason"))
        .alias("reject_reason")
    ).drop("_open")
    if lines.height and "category" in lines.columns:
        lk = [k for k in keys if k in lines.columns]
        marked = lines.join(
            bad.select(lk).with_columns(pl.lit(True).alias("_open")),
            on=lk, how="left", nulls_equal=True, maintain_order="left",
        )  # fmt: skip
        keep = ~(
            pl.col("category").is_in([BALANCE_IN, BALANCE_OUT]) & pl.col("_open").is_not_null()
        )
        lines = marked.filter(keep).drop("_open")
    return rows, lines
