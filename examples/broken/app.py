"""The Flask example with a bug its tests miss: /healthz answers 500, so Slipway's health check
fails and the release that was live before keeps serving (the rollback demo)."""

from html import escape
from pathlib import Path

from flask import Flask

HERE = Path(__file__).parent

app = Flask(__name__)
# The bug: this release moved the greeting into settings.py but forgot to load it:
# app.config.from_pyfile("settings.py")


def version() -> str:
    """The release's version: the first line of the VERSION file beside this one."""
    return (HERE / "VERSION").read_text().strip()


@app.get("/")
def index():
    greeting = app.config.get("GREETING", "Hello from Flask")
    return (
        "<!doctype html>\n<title>Flask on Slipway</title>\n"
        f"<h1>{escape(greeting)}</h1>\n<p>Version <strong id=\"version\">{escape(version())}</strong></p>\n"
    )


@app.get("/healthz")
def healthz():
    # Healthy means "configured": without settings.py loaded this raises KeyError, and Flask answers 500.
    if not app.config["GREETING"]:
        return "no greeting configured", 500, {"Content-Type": "text/plain"}
    return "ok", 200, {"Content-Type": "text/plain"}


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000)
