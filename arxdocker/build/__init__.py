"""Builds: cache specs, config, the buildx driver, context manifests and the build session."""
