#!/bin/sh
# Makes the bearer tokens for the compose stack when they are not there yet, so that a fresh
# `docker compose up` is secured with tokens of its own and none are shared or committed.
# docker-compose.yml runs it in the one-shot `tokens` service; it can also be run by hand.
#
#   make-tokens.sh DIR [SERVICE_UID]
#
# DIR gets one random token per role, readable by DIR's owner only (`cat DIR/intake`), the
# two servers' tokens files (hashes only), and the registry's own token towards screening
# (`registry-service`), given to SERVICE_UID (default 10001, the images' user). Existing
# tokens are kept; when both tokens files and the registry's token exist, nothing is
# touched, so that a folder of your own making is left as it is.
set -eu

dir=${1:?usage: make-tokens.sh DIR [SERVICE_UID]}
service_uid=${2:-10001}
umask 077
mkdir -p "$dir"

if [ -s "$dir/registry-tokens" ] && [ -s "$dir/screening-tokens" ] && [ -s "$dir/registry-service" ]; then
    echo "tokens: using those in $dir"
    exit 0
fi

# Token files go to whoever owns DIR (the person who runs compose, not the container's root).
owner=$(stat -c %u:%g "$dir")

# TOKEN FILE        PRINCIPAL            REGISTRY ROLES  SCREENING ROLES ("-": none)
principals="
admin               local-admin          admin           admin
intake              local-intake         intake          -
reviewer            local-reviewer       reviewer        -
viewer              local-viewer         viewer          -
case-officer        local-case-officer   case-officer    -
auditor             local-auditor        auditor         -
screener            local-screener       -               screener
list-admin          local-list-admin     -               list-admin
registry-service    registry             -               screener
"

# 32 bytes from the kernel's generator, as hex.
new_token() {
    od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
}

# One line of a tokens file, or nothing when the principal has no role on that server.
hash_line() { # PRINCIPAL ROLES TOKEN_FILE
    [ "$2" = - ] && return 0
    echo "$1 $2 sha256:$(tr -d '\n' <"$3" | sha256sum | cut -d' ' -f1)"
}

registry_file="$dir/registry-tokens.new"
screening_file="$dir/screening-tokens.new"
echo "# Made by make-tokens.sh: PRINCIPAL ROLES SHA-256 OF THE TOKEN" >"$registry_file"
echo "# Made by make-tokens.sh: PRINCIPAL ROLES SHA-256 OF THE TOKEN" >"$screening_file"
echo "$principals" | while read -r file principal registry_roles screening_roles; do
    [ -n "$file" ] || continue
    if [ ! -s "$dir/$file" ]; then
        new_token >"$dir/$file.new"
        mv "$dir/$file.new" "$dir/$file"
        echo "tokens: made $dir/$file"
    fi
    hash_line "$principal" "$registry_roles" "$dir/$file" >>"$registry_file"
    hash_line "$principal" "$screening_roles" "$dir/$file" >>"$screening_file"
    chown "$owner" "$dir/$file" 2>/dev/null || true
done

# The servers run as SERVICE_UID and read only these three. Hashes are no secret.
chmod 644 "$registry_file" "$screening_file"
chown "$owner" "$registry_file" "$screening_file" 2>/dev/null || true
mv "$registry_file" "$dir/registry-tokens"
mv "$screening_file" "$dir/screening-tokens"
if ! chown "$service_uid" "$dir/registry-service" 2>/dev/null; then
    # Not root: the registry's user can only read it if everyone can.
    chmod 644 "$dir/registry-service"
    echo "tokens: note: $dir/registry-service is readable by all (run as root to restrict it)"
fi
echo "tokens: ready: one file per role (admin, intake, viewer, ...) in the tokens folder"
