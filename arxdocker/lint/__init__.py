"""Lint: the cache rules (one module each in rules/), their fixes, and the runner."""
