"""The ground floor: settings, config-file models and small shared helpers.

Everything above (extractors, warehouse, reports, pipeline, CLI, DAGs) may import
from here; nothing here imports from above (docs/architecture.md, enforced by the
import-linter contract in pyproject.toml).
"""
