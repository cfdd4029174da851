"""Datasette plugins `callwatch serve` loads (its --plugins-dir): every module here is one."""
