"""Build records (`arxdocker.record/v1`), the locked JSONL history and its queries."""
