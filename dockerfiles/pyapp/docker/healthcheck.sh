#!/bin/sh
# Healthy when the app can render its page from the current config.
python3 -m pyapp "${PYAPP_CONFIG:-/etc/pyapp/config.yaml}" >/dev/null
