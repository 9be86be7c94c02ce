#!/bin/sh
# Render the status page from the config baked into the image (or one mounted over it).
set -eu
exec python3 -m pyapp "${PYAPP_CONFIG:-/etc/pyapp/config.yaml}"
