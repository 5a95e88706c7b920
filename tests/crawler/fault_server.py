"""A local HTTP server with real faults for crawl tests: slow, broken, looping,
oversized, non-HTML and wrongly encoded responses, robots.txt and a request log."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARTICLE = (Path(__file__).resolve().parents[1] / "fixtures" / "fault_article.html").read_text()
LINKS = ["/good/", "/slow/", "/error500/", "/gone/", "/loop/a", "/moved/", "/big/", "/pdf/",
         "/latin1/", "/wrong-charset/", "/garbage/", "/broken-html/", "/private/secret/",
         "/empty/", "/drop/", "/missing/"]
INDEX = "<html><head><title>Fault site</title></head><body><h1>Fault site</h1>" + "".join(
    f'<a href="{link}">{link}</a> ' for link in LINKS) + "</body></html>"


def article(title: str, extra: str = "") -> str:
    return ARTICLE.replace("{{TITLE}}", title).replace("{{EXTRA}}", extra)


class FaultHandler(BaseHTTPRequestHandler):
    server: FaultServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        self.server.requests.append(path)
        route = getattr(self, "route_" + path.strip("/").replace("/", "_").replace("-", "_").replace(".", "_"), None)
        if path == "/":
            self.send_body(200, INDEX)
        elif route is None:
            self.send_body(404, "<html><body>not found</body></html>")
        else:
            route()

    def send_body(self, status: int, body: str | bytes, ctype: str = "text/html; charset=utf-8",
                  headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def route_robots_txt(self) -> None:
        self.send_body(200, "User-agent: *\nDisallow: /private/\n", "text/plain")

    def route_good(self) -> None:
        self.send_body(200, article("Why Strength Training Sharpens Your Mind"))

    def route_moved_target(self) -> None:
        self.send_body(200, article("Redirect Target Article About Sleep And Recovery"))

    def route_moved(self) -> None:
        self.send_body(301, "", headers={"Location": "/moved-target/"})

    def route_slow(self) -> None:
        time.sleep(self.server.slow_seconds)
        self.send_body(200, article("Slow Page"))

    def route_error500(self) -> None:
        self.send_body(500, "<html><body>Internal error</body></html>")

    def route_gone(self) -> None:
        self.send_body(410, "<html><body>Gone</body></html>")

    def route_loop_a(self) -> None:
        self.send_body(302, "", headers={"Location": "/loop/b"})

    def route_loop_b(self) -> None:
        self.send_body(302, "", headers={"Location": "/loop/a"})

    def route_big(self) -> None:
        self.send_body(200, article("Big Page", "<p>" + "padding words " * 40000 + "</p>"))

    def route_pdf(self) -> None:
        self.send_body(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "application/pdf")

    def route_latin1(self) -> None:
        body = article("Caf\u00e9 Culture And Caffeine: A Na\u00efve Look", "<p>Cr\u00e8me br\u00fbl\u00e9e.</p>")
        self.send_body(200, body.encode("cp1252"), "text/html; charset=windows-1252")

    def route_wrong_charset(self) -> None:
        body = article("Wrong Charset Article On Hydration \u2014 Really", "<p>Smart quotes \u201cinside\u201d.</p>")
        self.send_body(200, body.encode("utf-8"), "text/html; charset=iso-8859-1")

    def route_garbage(self) -> None:
        self.send_body(200, bytes(range(256)) * 40, "text/html")

    def route_broken_html(self) -> None:
        body = article("Broken Markup Still Counts As An Article").replace("</p>", "").replace("</div>", "")
        self.send_body(200, body[: len(body) * 3 // 4])

    def route_private_secret(self) -> None:
        self.send_body(200, article("Secret Page"))

    def route_empty(self) -> None:
        self.send_body(200, b"")

    def route_drop(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"<html><body><p>partial")
        self.wfile.flush()
        self.connection.shutdown(2)


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, slow_seconds: float = 4.0) -> None:
        self.requests: list[str] = []
        self.slow_seconds = slow_seconds
        super().__init__(("127.0.0.1", 0), FaultHandler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> FaultServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self
