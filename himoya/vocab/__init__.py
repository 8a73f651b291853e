"""HTCDS code lists and other vocabularies (see registry.py)."""
