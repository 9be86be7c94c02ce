"""A tiny CLI that renders a status page from a YAML config (the pip example)."""
