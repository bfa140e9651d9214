#!/usr/bin/env bash
# Builds the base images Slipway's examples and end-to-end tests use and loads them into the
# local Docker engine. They are made here from busybox-static and the Debian archive, so no
# Docker Hub is needed:
#   slipway/busybox:1      busybox with its applets linked in; builds in seconds
#   slipway/debian:12      debootstrap minbase bookworm with python3, flask, gunicorn, nginx,
#                          postgresql and curl
#   slipway/python:3.11, slipway/nginx:1.22, slipway/postgres:15   thin layers on slipway/debian:12
# An image the engine already has is kept (docker rmi it to rebuild). The debootstrap tarball is
# cached under SLIPWAY_IMAGE_CACHE (default /var/cache/slipway/base-images), keyed by the package
# list, so only the first run on a machine downloads packages.
#   scripts/base-images.sh                          build what is missing
#   scripts/base-images.sh --only busybox           only slipway/busybox:1 (also: debian, python,
#                                                   nginx, postgres)
#   scripts/base-images.sh --registry HOST:PORT     also push every image to HOST:PORT/NAME
# Needs root (debootstrap, chroot) and a running Docker engine.
set -euo pipefail

registry=""
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --registry) registry=${2:?--registry needs HOST:PORT}; shift 2 ;;
    --only) only=${2:?--only needs an image: busybox, debian, python, nginx or postgres}; shift 2 ;;
    *) echo "usage: $0 [--only busybox|debian|python|nginx|postgres] [--registry HOST:PORT]" >&2; exit 2 ;;
  esac
done
case "$only" in
  "" | busybox | debian | python | nginx | postgres) ;;
  *) echo "base-images: unknown image '$only'" >&2; exit 2 ;;
esac

suite=bookworm
# What slipway/debian:12 holds. The cache key covers this list only: after changing how the
# rootfs is made, empty the cache.
debian_packages="python3 python3-flask gunicorn nginx-light postgresql postgresql-client ca-certificates curl"
cache_dir="${SLIPWAY_IMAGE_CACHE:-/var/cache/slipway/base-images}"

work=$(mktemp -d "${TMPDIR:-/tmp}/slipway-base-images.XXXXXX")
cleanup() {
  # A debootstrap that failed may leave /proc or /sys mounted in the rootfs: unmount before
  # removing, and never let rm cross into another file system.
  findmnt -rn -o TARGET | grep -F "$work/" | sort -r | xargs -r -d '\n' umount -l || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

want() { [ -z "$only" ] || [ "$only" = "$1" ]; }
present() { docker image inspect "$1" >/dev/null 2>&1; }
size_of() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.1f MB", $1 / 1e6 }'; }
# Prints NAME's line and pushes it when a registry was given.
report() {
  local name=$1 what=$2
  echo "$name: $what, $(size_of "$name")"
  if [ -n "$registry" ]; then
    docker tag "$name" "$registry/$name"
    docker push -q "$registry/$name" >/dev/null
    echo "$name: pushed to $registry/$name"
  fi
}

# The mirror the host's apt uses, so debootstrap reaches the archive wherever apt does.
host_mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    sed -n -E "s,^deb +(\[[^]]*\] +)?((https?|file):[^ ]+) +$suite( .*)?$,\2,p" | head -n1)
  if [ -z "$uri" ]; then
    # deb822 stanzas: the first URI of one that is of type deb and lists the suite itself.
    uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v suite="$suite" -v RS= '
      $0 ~ "(^|\n)Types:[^\n]*[ \t]deb([ \t\n]|$)" && $0 ~ "(^|\n)Suites:[^\n]*[ \t]" suite "([ \t\n]|$)" {
        if (match($0, /(^|\n)URIs:[ \t]*(https?|file):[^ \t\n]+/)) {
          s = substr($0, RSTART, RLENGTH); sub(/^\n?URIs:[ \t]*/, "", s); print s; exit
        }
      }')
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

build_busybox() {
  local name=slipway/busybox:1 root=$work/busybox applet
  if present "$name"; then report "$name" "already present"; return; fi
  # The image holds no libraries, so busybox must be the static build.
  if ldd /bin/busybox >/dev/null 2>&1; then
    echo "base-images: /bin/busybox is linked dynamically; install busybox-static" >&2; exit 1
  fi
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp}
  cp /bin/busybox "$root/bin/busybox"
  # busybox --list-full names each applet with the directory it belongs in (bin/sh, usr/sbin/httpd).
  for applet in $("$root/bin/busybox" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  tar -C "$root" --numeric-owner -c . | docker import --change 'CMD ["sh"]' - "$name" >/dev/null
  report "$name" built
}

build_debian() {
  local name=slipway/debian:12 key tarball mirror root=$work/debian started
  if present "$name"; then report "$name" "already present"; return; fi
  key=$(echo "$suite $(dpkg --print-architecture) $debian_packages" | sha256sum | cut -c1-16)
  tarball=$cache_dir/debian-12-$key.tar
  if [ -f "$tarball" ]; then
    echo "$name: using the cached rootfs $tarball"
  else
    mirror=$(host_mirror)
    echo "$name: debootstrap $suite from $mirror (a minute or two)"
    started=$SECONDS
    if ! debootstrap --variant=minbase --include="${debian_packages// /,}" "$suite" "$root" "$mirror" \
         >"$work/debootstrap.log" 2>&1; then
      tail -n 30 "$work/debootstrap.log" >&2
      echo "base-images: debootstrap failed (last lines above)" >&2
      exit 1
    fi
    if findmnt -rn -o TARGET | grep -qF "$root/"; then
      echo "base-images: something is still mounted in $root" >&2; exit 1
    fi
    # Package lists and downloaded .debs only make the image bigger; the engine supplies
    # /etc/hostname and /etc/resolv.conf when a container starts.
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
    # As Debian's slim images do: no manuals, documentation or translations (about 80 MB),
    # now or in packages installed later; the copyright files stay.
    cat >"$root/etc/dpkg/dpkg.cfg.d/slipway-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
    find "$root/usr/share/doc" ! -type d ! -name copyright -delete
    rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
    : >"$root/etc/hostname"
    : >"$root/etc/resolv.conf"
    mkdir -p "$cache_dir"
    # The engine mounts /dev, /proc and /sys itself.
    tar -C "$root" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
      -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    echo "$name: debootstrap took $(( (SECONDS - started) / 60 ))m$(( (SECONDS - started) % 60 ))s"
  fi
  # An imported image has no environment; Dockerfiles built on it extend this PATH.
  docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' "$tarball" "$name" >/dev/null
  report "$name" built
}

# Builds NAME from the Dockerfile on stdin, in a directory that may already hold other files.
build_derived() {
  local name=$1 dir=$2
  if present "$name"; then report "$name" "already present"; cat >/dev/null; return; fi
  mkdir -p "$dir"
  cat >"$dir/Dockerfile"
  if ! docker build -q -t "$name" "$dir" >"$dir/build.log" 2>&1; then
    cat "$dir/build.log" >&2
    echo "base-images: building $name failed" >&2
    exit 1
  fi
  report "$name" built
}

build_python() {
  build_derived slipway/python:3.11 "$work/python" <<'EOF'
FROM slipway/debian:12
CMD ["python3"]
EOF
}

build_nginx() {
  # Debian's default site serves /var/www/html on port 80; images built on this one bring their
  # own config. Logs go to the container's output, as docker logs expects.
  build_derived slipway/nginx:1.22 "$work/nginx" <<'EOF'
FROM slipway/debian:12
RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
CMD ["nginx", "-g", "daemon off;"]
EOF
}

build_postgres() {
  local dir=$work/postgres
  mkdir -p "$dir"
  cat >"$dir/entrypoint.sh" <<'EOF'
#!/bin/sh
# Runs PostgreSQL 15 in the foreground as PID 1. This is a test and CI database: the cluster made
# on first start trusts every connection (any user, no password, from any address). Never keep
# data that matters in it.
set -eu
# docker run IMAGE psql ... runs that command instead; options go to the server.
case "${1:-}" in "" | -*) ;; *) exec "$@" ;; esac
bin=/usr/lib/postgresql/15/bin
if [ "$(id -u)" = 0 ]; then
  # A volume mounted here may belong to root; the server refuses to run as root.
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  "$bin/initdb" -D "$PGDATA" --username=postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  echo "postgres-entrypoint: created a cluster in $PGDATA that trusts every connection"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  printf 'host all all 0.0.0.0/0 trust\nhost all all ::/0 trust\n' >>"$PGDATA/pg_hba.conf"
fi
exec "$bin/postgres" -D "$PGDATA" "$@"
EOF
  chmod 755 "$dir/entrypoint.sh"
  # docker stop sends SIGINT, the fast shutdown: SIGTERM would wait for every client to leave.
  build_derived slipway/postgres:15 "$dir" <<'EOF'
FROM slipway/debian:12
ENV PGDATA=/var/lib/postgresql/data PATH=/usr/lib/postgresql/15/bin:$PATH
COPY entrypoint.sh /usr/local/bin/postgres-entrypoint
EXPOSE 5432
STOPSIGNAL SIGINT
HEALTHCHECK --interval=2s --timeout=5s --start-period=60s CMD pg_isready -q -h 127.0.0.1 -U postgres
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]
EOF
}

want busybox && build_busybox
if want debian || want python || want nginx || want postgres; then
  build_debian
  want python && build_python
  want nginx && build_nginx
  want postgres && build_postgres
fi
exit 0
