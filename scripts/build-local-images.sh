#!/usr/bin/env bash
# Builds local stand-ins for every image docker-compose.yml uses, for machines that have a
# Docker engine but no container registry to pull from (like this project's CI):
#
#   local/debian:bookworm     a minimal Debian root made with debootstrap, `docker import`ed
#   local/postgres:15         Debian's `postgresql` package on that root, with an entrypoint
#                             that honours POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB
#   local/prometheus:dev      Debian's `prometheus` package on that root (compose profile
#                             `metrics`)
#   local/screening:dev       the service binaries built here (`cargo build --release`)
#   local/registry:dev        copied onto the same root
#
# Then run the compose file unchanged but for the image variables:
#
#   eval "$(scripts/build-local-images.sh --print-env)"   # or export them by hand
#   docker-compose up -d
#
# Options:
#   --rebuild-base   debootstrap the base again even if the image exists (otherwise it is
#                    reused; the other images are rebuilt each time, from Docker's cache)
#   --skip-cargo     use the binaries already in the target folder's release/
#   --print-env      only print the `export …_IMAGE=…` lines for these images
#
# Environment: DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR (default: what apt on this machine uses),
# BASE_IMAGE, POSTGRES_IMAGE, PROMETHEUS_IMAGE, SCREENING_IMAGE, REGISTRY_IMAGE (the tags
# above); the binaries are taken from cargo's target folder, wherever CARGO_TARGET_DIR (or
# cargo's configuration) puts it.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUITE=bookworm
BASE_IMAGE="${BASE_IMAGE:-local/debian:$SUITE}"
POSTGRES_IMAGE="${POSTGRES_IMAGE:-local/postgres:15}"
PROMETHEUS_IMAGE="${PROMETHEUS_IMAGE:-local/prometheus:dev}"
SCREENING_IMAGE="${SCREENING_IMAGE:-local/screening:dev}"
REGISTRY_IMAGE="${REGISTRY_IMAGE:-local/registry:dev}"

rebuild_base=false
skip_cargo=false
for arg in "$@"; do
    case $arg in
        --rebuild-base) rebuild_base=true ;;
        --skip-cargo) skip_cargo=true ;;
        --print-env)
            printf 'export POSTGRES_IMAGE=%q PROMETHEUS_IMAGE=%q SCREENING_IMAGE=%q REGISTRY_IMAGE=%q\n' \
                "$POSTGRES_IMAGE" "$PROMETHEUS_IMAGE" "$SCREENING_IMAGE" "$REGISTRY_IMAGE"
            exit 0
            ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "unknown argument: $arg (see --help)" >&2
            exit 2
            ;;
    esac
done

STARTED_AT=$SECONDS
step_started=
# Each step's time is printed when the next one starts: CI's budget is watched per step.
step() {
    if [[ -n $step_started ]]; then
        printf '    (took %ss)\n' "$((SECONDS - step_started))"
    fi
    step_started=$SECONDS
    printf '\n--> %s\n' "$*"
}

# The classic builder: it uses images present locally without asking a registry, and
# Debian's docker.io has no buildx.
export DOCKER_BUILDKIT=0

if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# The first archive URI apt uses on this machine for "$1" (a suite), from one-line
# sources.list entries or deb822 .sources files.
apt_mirror_for() {
    local suite=$1 file
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -r $file ]] || continue
        if [[ $file == *.sources ]]; then
            awk -v suite="$suite" '
                function flush() {
                    if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "") {
                        split(uris, u, " "); print u[1]; found = 1; exit
                    }
                    types = uris = suites = ""
                }
                /^[ \t]*$/ { flush(); next }
                /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
                /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
                /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
                END { if (!found) flush() }
            ' "$file"
        else
            awk -v suite="$suite" '
                $1 == "deb" {
                    i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                    if ($(i + 1) == suite) { print $i; exit }
                }
            ' "$file"
        fi
    done | head -n 1
}

DEBIAN_MIRROR="${DEBIAN_MIRROR:-$(apt_mirror_for "$SUITE")}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-$(apt_mirror_for "$SUITE-security")}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

step "Base image $BASE_IMAGE (debootstrap $SUITE, minbase, from $DEBIAN_MIRROR)"
if image_exists "$BASE_IMAGE" && ! $rebuild_base; then
    echo "exists; reusing it (--rebuild-base to make it again)"
else
    command -v debootstrap >/dev/null || {
        echo "debootstrap is missing: apt-get install debootstrap" >&2
        exit 1
    }
    rootfs_parent="$(mktemp -d)"
    trap '"${SUDO[@]}" rm -rf "$rootfs_parent"' EXIT
    rootfs="$rootfs_parent/rootfs"
    "${SUDO[@]}" debootstrap --variant=minbase "$SUITE" "$rootfs" "$DEBIAN_MIRROR"
    # Updates and security fixes for what later images install on top.
    printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
        "$DEBIAN_MIRROR" "$SUITE" "$DEBIAN_MIRROR" "$SUITE" "$DEBIAN_SECURITY_MIRROR" "$SUITE" |
        "${SUDO[@]}" tee "$rootfs/etc/apt/sources.list" >/dev/null
    # Services never start during package installs in an image (there is no init to run
    # them), and apt keeps no package files or lists in the layers.
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$rootfs/usr/sbin/policy-rc.d" >/dev/null
    "${SUDO[@]}" chmod 755 "$rootfs/usr/sbin/policy-rc.d"
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' |
        "${SUDO[@]}" tee "$rootfs/etc/apt/apt.conf.d/90local-image" >/dev/null
    "${SUDO[@]}" rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
        "$rootfs"/var/log/*.log "$rootfs"/tmp/*
    "${SUDO[@]}" tar --numeric-owner -C "$rootfs" -c . |
        docker import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' \
            --message "debootstrap --variant=minbase $SUITE $DEBIAN_MIRROR" - "$BASE_IMAGE"
    "${SUDO[@]}" rm -rf "$rootfs_parent"
    trap - EXIT
fi

step "PostgreSQL image $POSTGRES_IMAGE (Debian's postgresql package)"
docker build --quiet --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$POSTGRES_IMAGE" \
    -f "$REPO_ROOT/deploy/local/postgres.Dockerfile" "$REPO_ROOT/deploy/local"

step "Prometheus image $PROMETHEUS_IMAGE (Debian's prometheus package)"
docker build --quiet --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$PROMETHEUS_IMAGE" \
    -f "$REPO_ROOT/deploy/local/prometheus.Dockerfile" "$REPO_ROOT/deploy/local"

if ! $skip_cargo; then
    step "cargo build --release (screening, registry, healthcheck, make-certs)"
    (cd "$REPO_ROOT" && cargo build --release --locked -p screening -p registry -p service-kit \
        --bin screening --bin registry --bin healthcheck --bin make-certs)
fi

# Where cargo put the binaries: `cargo metadata` knows CARGO_TARGET_DIR and build.target-dir
# as cargo itself reads them (a relative CARGO_TARGET_DIR is taken from the repository's root,
# where the build above ran).
release_dir="$(cd "$REPO_ROOT" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release"

step "Service images $SCREENING_IMAGE and $REGISTRY_IMAGE (binaries from $release_dir)"
# A small build context: the binaries (without debug info) and the files the images carry.
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
for bin in screening registry healthcheck make-certs; do
    objcopy --strip-debug "$release_dir/$bin" "$context/$bin"
done
cp "$REPO_ROOT/src/demo-watchlist.csv" "$context/"
for service in screening registry; do
    image_var="${service^^}_IMAGE"
    docker build --quiet --build-arg "BASE_IMAGE=$BASE_IMAGE" --target "$service" \
        -t "${!image_var}" -f "$REPO_ROOT/deploy/local/service.Dockerfile" "$context"
done
rm -rf "$context"
trap - EXIT

step "Done in $((SECONDS - STARTED_AT))s"
docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' |
    grep -E "^($BASE_IMAGE|$POSTGRES_IMAGE|$PROMETHEUS_IMAGE|$SCREENING_IMAGE|$REGISTRY_IMAGE)\b" || true
echo
echo "Use them with docker-compose.yml:"
printf '  export POSTGRES_IMAGE=%q PROMETHEUS_IMAGE=%q SCREENING_IMAGE=%q REGISTRY_IMAGE=%q\n' \
    "$POSTGRES_IMAGE" "$PROMETHEUS_IMAGE" "$SCREENING_IMAGE" "$REGISTRY_IMAGE"
