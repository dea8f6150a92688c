"""A short tour of the Python API on the bundled Jiangsu example.

Run from the project root: `python examples/api_tour.py`
"""

from pathlib import Path

import polars as pl

import carbonacct

HERE = Path(__file__).resolve().parent / "jiangsu"

# 1. Factors, with their sources
lib = carbonacct.default_library()
grid = lib.resolve("co2_factor", "electricity", region="江苏", year=2024, variant="average")
print(f"Jiangsu grid factor for 2024: {grid.value} {grid.unit} ({grid.document}; {grid.fallback})")
diesel = carbonacct.combustion_factor("柴油")
print(f"Diesel: {diesel.value:.4f} {diesel.unit} from {', '.join(diesel.sets)}")

# 2. The footprint of a year of meter and fuel data
result = carbonacct.footprint(
    [HERE / "electricity_15min.parquet", HERE / "fuels.csv"],
    firms=HERE / "firms.csv",
    activity=HERE / "activity.csv",
    period="quarter",
    steam_enthalpy=2780,  # kJ/kg, from the steam supplier's contract
)
print(
    result.table.select("firm_id", "period", "energy_tce", "co2_scope1_t", "co2_scope2_t", "co2_t")
)
print(result.quality.summary())
print(result.factors_used.select("factor", "carrier", "value", "unit", "factor_set"))

# 3. Monthly electricity by site, for a chart
by_site = carbonacct.footprint(
    HERE / "electricity_15min.parquet", firms=HERE / "firms.csv", period="month", by=["site_id"]
).table
print(by_site.pivot(on="site_id", index="period", values="electricity_in_MWh").head(3))

# 4. Into pandas with pint units, or Parquet with units in the field metadata
df = result.to_pandas(units=True)
print(df["co2_t"].pint.to("kgCO2").head(2))
assert isinstance(result.table, pl.DataFrame)
