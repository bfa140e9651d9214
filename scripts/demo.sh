#!/usr/bin/env bash
# The quick start: installs dependencies, builds Slipway, starts the daemon
# with its state under ./var, creates the example project `hello`, pushes
# examples/hello to it with git and follows the run to its end.
# SLIPWAY_LISTEN=127.0.0.1:PORT picks another address than 127.0.0.1:7300.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/install-deps.sh
echo "== building slipway (the first build takes a few minutes)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target slipway
slipway="$root/build/slipway"
home="$root/var"
listen="${SLIPWAY_LISTEN:-127.0.0.1:7300}"
mkdir -p "$home"

# Start the daemon unless one already serves this home.
if [ -f "$home/slipway.lock" ] && kill -0 "$(head -n1 "$home/slipway.lock" 2>/dev/null)" 2>/dev/null; then
  echo "== slipway is already running (pid $(head -n1 "$home/slipway.lock"))"
else
  host=${listen%:*}
  port=${listen##*:}
  if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
    echo "demo: $listen is already in use by another program (or another slipway home)." >&2
    echo "      Rerun on a free address: SLIPWAY_LISTEN=127.0.0.1:7301 scripts/demo.sh" >&2
    exit 1
  fi
  echo "== starting: slipway serve --home var --listen $listen (log: var/daemon.log)"
  rm -f "$home/slipway.url"
  log_start=$(stat -c %s "$home/daemon.log" 2>/dev/null || echo 0)
  nohup "$slipway" serve --home "$home" --listen "$listen" >>"$home/daemon.log" 2>&1 &
  for _ in $(seq 100); do
    [ -s "$home/slipway.url" ] && break
    kill -0 $! 2>/dev/null || { tail -c +"$((log_start + 1))" "$home/daemon.log"; exit 1; }
    sleep 0.1
  done
fi
url=$(cat "$home/slipway.url")

# The first admin token is made straight in the database (no daemon call
# needed); the demo keeps it in var/demo.token.
if [ ! -s "$home/demo.token" ]; then
  (umask 077; "$slipway" token create --home "$home" --name demo --role admin > "$home/demo.token")
fi
token=$(cat "$home/demo.token")
export SLIPWAY_URL="$url" SLIPWAY_TOKEN="$token"

"$slipway" project create hello 2>/dev/null || true

echo "== pushing examples/hello to $url/git/hello.git"
src="$home/demo-src"
rm -rf "$src" && cp -r examples/hello "$src"
git -C "$src" init -q -b main
git -C "$src" add -A
git -C "$src" -c user.name="Slipway Demo" -c user.email=demo@localhost commit -q -m "Hello from the Slipway demo"
git -C "$src" push -q --force "http://demo:${token}@${url#http://}/git/hello.git" HEAD:main

run=""
for _ in $(seq 100); do
  run=$("$slipway" runs --project hello --limit 1 --json | grep -o '"id": *[0-9]*' | head -n1 | grep -o '[0-9]*$' || true)
  [ -n "$run" ] && break
  sleep 0.1
done
echo "== following run $run"
result=0
"$slipway" logs "$run" --follow || result=$?

cat <<TXT

Slipway is running at $url (state in var/, daemon log in var/daemon.log).
Next:
  export SLIPWAY_URL=$url SLIPWAY_TOKEN=\$(cat var/demo.token)
  build/slipway runs                 # run history
  build/slipway status $run            # one run, step by step
  build/slipway logs $run              # its logs
  build/slipway run hello --follow   # run the pipeline again, live
  curl -H "Authorization: Bearer \$SLIPWAY_TOKEN" $url/api/v1/runs   # the REST API (docs/API.md)
  git push http://demo:\$SLIPWAY_TOKEN@${url#http://}/git/hello.git main   # from your own repo
Stop the daemon: kill \$(head -n1 var/slipway.lock)
TXT
exit $result
