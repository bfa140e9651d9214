"""A small Flask app Slipway tests and deploys: a page showing the version, and a health check."""

from html import escape
from pathlib import Path

from flask import Flask

VERSION_FILE = Path(__file__).with_name("VERSION")

app = Flask(__name__)


def version() -> str:
    """The release's version: the first line of the VERSION file beside this one."""
    return VERSION_FILE.read_text().strip()


@app.get("/")
def index():
    return (
        "<!doctype html>\n<title>Flask on Slipway</title>\n"
        f"<h1>Hello from Flask</h1>\n<p>Version <strong id=\"version\">{escape(version())}</strong></p>\n"
    )


@app.get("/healthz")
def healthz():
    return "ok", 200, {"Content-Type": "text/plain"}


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000)
