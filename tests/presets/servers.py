"""A loopback HTTP server for download tests; it never touches the network.

`LoopbackServer` listens on 127.0.0.1 on a free port, in a daemon thread,
and answers from a table of routes. Every request is logged, so tests can
count them.
"""

import http.server
import threading

# Seconds a handler waits on a silent client before giving up.
HANDLER_TIMEOUT = 5


class Request:
    def __init__(self, method, path, headers):
        self.method = method
        self.path = path
        self.headers = headers

    def __repr__(self):
        return f"Request({self.method} {self.path})"


class _Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, closed after the response.
    protocol_version = "HTTP/1.0"
    timeout = HANDLER_TIMEOUT

    def do_GET(self):
        self._answer("GET")

    def do_HEAD(self):
        self._answer("HEAD")

    def _answer(self, method):
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        owner.log(Request(method, path, dict(self.headers.items())))
        route = owner.routes.get(path)
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        route(self, method)

    def log_message(self, *args):
        pass


def static(data, headers=None):
    """A route serving `data` (plus `headers`) to HEAD and GET."""

    def route(handler, method):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        if method == "GET":
            handler.wfile.write(data)

    return route


def truncated(data, send):
    """A route announcing all of `data` but closing after `send` bytes."""

    def route(handler, method):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if method == "GET":
            handler.wfile.write(data[:send])
            handler.wfile.flush()
        handler.close_connection = True

    return route


class LoopbackServer:
    """An HTTP server on 127.0.0.1 answering from `routes`.

    `routes` maps a request path (without query) to a callable
    `route(handler, method)`; other paths get a 404. Use as a context
    manager, or call `start()` and `stop()`.
    """

    def __init__(self):
        self.routes = {}
        self.requests = []
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    def log(self, request):
        with self._lock:
            self.requests.append(request)

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=HANDLER_TIMEOUT)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
