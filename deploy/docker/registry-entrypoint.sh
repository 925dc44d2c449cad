#!/bin/sh
# Lets the registry's token towards screening come from a file (REGISTRY_SCREENING_TOKEN_FILE,
# a mounted secret) instead of an environment variable that `docker inspect` would show.
set -eu
if [ -n "${REGISTRY_SCREENING_TOKEN_FILE:-}" ]; then
    if [ -n "${REGISTRY_SCREENING_TOKEN:-}" ]; then
        echo "registry: set REGISTRY_SCREENING_TOKEN or REGISTRY_SCREENING_TOKEN_FILE, not both" >&2
        exit 2
    fi
    REGISTRY_SCREENING_TOKEN="$(cat "$REGISTRY_SCREENING_TOKEN_FILE")"
    export REGISTRY_SCREENING_TOKEN
    unset REGISTRY_SCREENING_TOKEN_FILE
fi
exec registry "$@"
