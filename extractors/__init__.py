"""Extractors: HTTP and parsing. They write landing files and never open DuckDB."""
