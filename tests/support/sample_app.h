// The small app the end-to-end tests and the benchmarks deploy: a stdlib WSGI
// app under gunicorn that answers "version V release N", prints the API_KEY
// it was given when it starts (for the masking tests), and fails its health
// check while a file called BROKEN exists.
#pragma once

namespace slipway::testing {

constexpr const char* kSampleApp = R"py(import os

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = open(os.path.join(HERE, "VERSION")).read().strip()
print("starting version", VERSION, "with API_KEY", os.environ.get("API_KEY", "-"), flush=True)


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/healthz":
        broken = os.path.exists(os.path.join(HERE, "BROKEN"))
        start_response("500 Internal Server Error" if broken else "200 OK", [("Content-Type", "text/plain")])
        return [b"broken\n" if broken else b"ok\n"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [("version %s release %s\n" % (VERSION, os.environ.get("SLIPWAY_RELEASE", "?"))).encode()]
)py";

constexpr const char* kSampleProcfile =
    "web: exec gunicorn --bind 127.0.0.1:$PORT --workers 1 --graceful-timeout 2 app:app\n";

constexpr const char* kSamplePipeline = R"yml(
steps:
  test:
    run: python3 -c "import app"
deploy:
  production:
    target: local
    health: {path: /healthz, timeout: 20s}
    drain: 1s
    keep: 3
)yml";

}  // namespace slipway::testing
