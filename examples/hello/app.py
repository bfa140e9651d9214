"""A tiny WSGI web app (standard library only), the example Slipway builds and tests."""


def greeting(name: str) -> str:
    return f"Hello, {name}! Deployed by Slipway."


def app(environ, start_response):
    name = environ.get("QUERY_STRING", "").removeprefix("name=") or "world"
    body = greeting(name).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    make_server("127.0.0.1", 8000, app).serve_forever()
