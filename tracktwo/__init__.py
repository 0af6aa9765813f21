"""tracktwo: a self-hosted conflict-monitoring pipeline for Track-II diplomacy."""

__version__ = "0.1.0"
