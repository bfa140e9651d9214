#!/usr/bin/env bash
# The quick start: installs dependencies, builds Slipway, starts the daemon with its state under
# ./var, creates the project `flask` and pushes examples/flask to it with git. The run's tests
# pass, so the app is deployed behind Slipway's nginx at http://flask.localhost:8080/. Then it
# edits VERSION, pushes again and sends requests all through the switch to the new release.
# SLIPWAY_LISTEN=127.0.0.1:PORT picks another address for the API and git than 127.0.0.1:7300,
# SLIPWAY_PROXY_LISTEN=127.0.0.1:PORT another one for the apps than 127.0.0.1:8080.
# For developers: SLIPWAY_HOME=DIR keeps the state in DIR instead of ./var, and
# SLIPWAY_DEMO_SKIP_BUILD=1 skips installing and building and uses build/slipway as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "${SLIPWAY_DEMO_SKIP_BUILD:-}" != 1 ]; then
  scripts/install-deps.sh
  echo "== building slipway (the first build takes a few minutes)"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build -j "$(nproc)" --target slipway
fi
slipway="$root/build/slipway"
home="${SLIPWAY_HOME:-$root/var}"
mkdir -p "$home"
home=$(cd "$home" && pwd)
shown_home=$([ "$home" = "$root/var" ] && echo var || echo "$home")
listen="${SLIPWAY_LISTEN:-127.0.0.1:7300}"
proxy_listen="${SLIPWAY_PROXY_LISTEN:-127.0.0.1:8080}"

alive() { [ -f "$1" ] && kill -0 "$(head -n1 "$1" 2>/dev/null)" 2>/dev/null; }
# Fails when something already listens on ADDRESS:PORT.
port_free() { ! (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

# Start the daemon unless one already serves this home.
if alive "$home/slipway.lock"; then
  echo "== slipway is already running (pid $(head -n1 "$home/slipway.lock"))"
else
  if ! port_free "$listen"; then
    echo "demo: $listen is already in use by another program (or another slipway home)." >&2
    echo "      Rerun on a free address: SLIPWAY_LISTEN=127.0.0.1:7301 scripts/demo.sh" >&2
    exit 1
  fi
  # The nginx of an earlier demo keeps serving after its daemon stopped; the daemon adopts it.
  if ! alive "$home/nginx/nginx.pid" && ! port_free "$proxy_listen"; then
    echo "demo: $proxy_listen is already in use by another program (or another slipway home)." >&2
    echo "      Rerun on a free address: SLIPWAY_PROXY_LISTEN=127.0.0.1:8081 scripts/demo.sh" >&2
    exit 1
  fi
  echo "== starting: slipway serve --home $shown_home --listen $listen --proxy-listen $proxy_listen" \
       "(log: $shown_home/daemon.log)"
  rm -f "$home/slipway.url"
  log_start=$(stat -c %s "$home/daemon.log" 2>/dev/null || echo 0)
  nohup "$slipway" serve --home "$home" --listen "$listen" --proxy-listen "$proxy_listen" \
    >>"$home/daemon.log" 2>&1 &
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

# The first value of "KEY": in JSON on stdin (the CLI prints one key a line with --json).
field() { grep -o "\"$1\": *\"\\?[^\",]*" | head -n1 | sed 's/^"[^"]*": *"\?//'; }
newest_run() { "$slipway" runs --project flask --limit 1 --json | field id || true; }
newest_deployment() { "$slipway" deployments flask -n 1 --json | field id || true; }
# What the app answers through Slipway's nginx, as the browser at http://flask.localhost:PORT/ gets it.
proxy_host=${proxy_listen%:*}
[ "$proxy_host" = 0.0.0.0 ] && proxy_host=127.0.0.1
app_get() { curl -s --max-time 5 -H 'Host: flask.localhost' "$@" "http://$proxy_host:${proxy_listen##*:}/"; }
version_of() { grep -o 'id="version">[^<]*' | sed 's/.*>//'; }

# Pushes the demo repository, follows the run it queues, then waits for the deployment
# the passed run starts and shows its log. Sets $run and $deployment.
push_and_deploy() {
  local run_before deployment_before status=""
  run_before=$(newest_run); deployment_before=$(newest_deployment)
  git -C "$src" push -q --force "http://demo:${token}@${url#http://}/git/flask.git" HEAD:main
  run=""
  for _ in $(seq 100); do
    run=$(newest_run)
    [ -n "$run" ] && [ "$run" != "$run_before" ] && break
    sleep 0.1
  done
  echo "== following run $run"
  "$slipway" logs "$run" --follow || { echo "demo: run $run did not pass; nothing was deployed" >&2; return 1; }
  if [ -n "${on_run_passed:-}" ]; then "$on_run_passed"; fi
  deployment=""
  for _ in $(seq 600); do  # at most 60 s: start, health check, switch, drain
    deployment=$(newest_deployment)
    if [ -n "$deployment" ] && [ "$deployment" != "$deployment_before" ]; then
      status=$("$slipway" deployment show "$deployment" --json | field status || true)
      case $status in queued|running) ;; *) break ;; esac
    fi
    sleep 0.1
  done
  if [ -z "$deployment" ] || [ "$deployment" = "$deployment_before" ]; then
    echo "demo: run $run passed but no deployment started; see $shown_home/daemon.log" >&2
    return 1
  fi
  echo "== deployment $deployment: ${status:-still running after 60 s}"
  "$slipway" deployment logs "$deployment"
  [ "$status" = success ]
}

"$slipway" project create flask 2>/dev/null || true

echo "== pushing examples/flask to $url/git/flask.git"
src="$home/demo-src-flask"
rm -rf "$src" && cp -r examples/flask "$src"
git -C "$src" init -q -b main
git -C "$src" add -A
git -C "$src" -c user.name="Slipway Demo" -c user.email=demo@localhost commit -q -m "Flask from the Slipway demo"
push_and_deploy
app_url=$("$slipway" deployment show "$deployment" --json | field url || true)
echo "== $app_url answers (curl -H 'Host: flask.localhost' http://$proxy_listen/):"
app_get
echo

# A new version, pushed while requests keep coming: the old release serves until the new one
# is healthy, nginx switches to it, and the old one is stopped only after draining.
echo "1.1.0" > "$src/VERSION"
git -C "$src" -c user.name="Slipway Demo" -c user.email=demo@localhost commit -q -am "Version 1.1.0"
echo "== pushing version 1.1.0; requests go to $app_url all through its deployment"
answers="$home/demo-answers"
: > "$answers"
load_pid=""
start_load() {
  (
    end=$((SECONDS + 60))
    while [ "$SECONDS" -lt "$end" ]; do
      body=$(app_get -w '\n%{http_code}' || true)
      echo "${body##*$'\n'} $(version_of <<<"$body")" >> "$answers"
    done
  ) &
  load_pid=$!
}
on_run_passed=start_load
result=0
push_and_deploy || result=1
if [ -n "$load_pid" ]; then
  kill "$load_pid" 2>/dev/null || true
  wait "$load_pid" 2>/dev/null || true
fi
total=$(wc -l < "$answers")
failed=$(grep -vc '^200 ' "$answers" || true)
old=$(grep -c '^200 1\.0\.0$' "$answers" || true)
new=$(grep -c '^200 1\.1\.0$' "$answers" || true)
echo "== $total requests during the switch, $failed failed ($old answered 1.0.0, then $new answered 1.1.0)"
[ "$failed" -eq 0 ] || { result=1; grep -v '^200 ' "$answers" | sort | uniq -c | sed 's/^/   failed: /'; }
echo "== $app_url now answers:"
app_get
echo

cat <<TXT

Slipway is running at $url (state in $shown_home/, daemon log in $shown_home/daemon.log);
the Flask app is live at $app_url (curl -H 'Host: flask.localhost' http://$proxy_listen/).
The dashboard is at $url/ : sign in with the token in $shown_home/demo.token.
Next:
  export SLIPWAY_URL=$url SLIPWAY_TOKEN=\$(cat $shown_home/demo.token)
  build/slipway apps                       # apps, their release, status and URL
  build/slipway releases flask             # one release per passed push: releases/flask/N-SHA7
  build/slipway rollback flask --wait      # back to the release live before, with no downtime
  build/slipway config set flask GREETING=hi   # environment variables (--secret); redeploys
  build/slipway app logs flask -f          # the gunicorn processes' logs
  build/slipway deployments flask          # and: deployment show|logs ID, runs, logs RUN
  curl -H "Authorization: Bearer \$SLIPWAY_TOKEN" $url/api/v1/apps   # the REST API (docs/API.md)
  git push http://demo:\$SLIPWAY_TOKEN@${url#http://}/git/flask.git main   # from your own repo
Stop the daemon: kill \$(head -n1 $shown_home/slipway.lock). The app and nginx keep running without
it; stop them with: build/slipway ps scale flask web=0, then kill -QUIT \$(cat $shown_home/nginx/nginx.pid)
TXT
exit $result
