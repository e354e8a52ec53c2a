"""A local web server that behaves like the static hosts a catalog is published on.

``clean_urls`` serves '/x' from 'x.html' when it exists (GitHub Pages, Netlify, Cloudflare
Pages, nginx ``try_files $uri $uri.html``); without it, '/x' for a folder is redirected to '/x/'
as Python's and Apache's servers do. Missing files get the site's ``404.html`` with status 404,
as GitHub Pages and Netlify do. ``requests``, when given, receives (path, status) of every
request answered, the browser's own (``/favicon.ico``) included.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    clean_urls = False
    requests: list[tuple[str, int]] | None = None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep tests quiet
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.requests is not None:  # the address as asked, before clean_urls rewrote it
            self.requests.append((self.requestline.split(" ")[1], int(code)))

    def send_head(self):  # type: ignore[no-untyped-def]
        path = urlsplit(self.path).path
        local = Path(self.translate_path(path))
        if self.clean_urls and not path.endswith("/") and not local.is_file():
            html = local.with_name(local.name + ".html")
            if html.is_file():
                self.path = path + ".html" + (("?" + urlsplit(self.path).query)
                                               if urlsplit(self.path).query else "")
        return super().send_head()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(site: Path, *, clean_urls: bool = False,
          requests: list[tuple[str, int]] | None = None) -> Iterator[str]:
    """Serve ``site`` on a free local port; yields the base address ('http://127.0.0.1:N/')."""
    handler_class = type("Handler", (StaticHostHandler,), {"clean_urls": clean_urls,
                                                           "requests": requests})
    with running(functools.partial(handler_class, directory=str(site))) as base:
        yield base


@contextmanager
def running(handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded local server on a free port with ``handler``; yields its base address."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
