"""Warehouse: load landing files into DuckDB, tag, compute. Never does HTTP."""
