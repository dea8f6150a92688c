"""What every writer takes: the tables (the first is the main one), the units, the provenance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

Tables = Mapping[str, pl.DataFrame]
#: table -> column -> unit
Units = Mapping[str, Mapping[str, str]]
Provenance = Mapping[str, Any]
