"""arxdocker: fast Docker BuildKit builds, and a clear answer to why they are slow."""

__version__ = "0.1.0"
