"""WARC files without a crawl: naming, rotation, the ``.open`` name while writing, and the
middleware's choice of what to archive (raw compressed bodies, no 304s, no cached copies)."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from crawl_helpers import run_cli
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from crawler.warc import WarcWriterMiddleware, exchange_of
from crawler.warc_files import Exchange, WarcFiles, warc_file_name, warcinfo_fields

STARTED = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)


def exchange(path: str, body: bytes = b"<html>hello</html>", status: int = 200) -> Exchange:
    return Exchange(
        url=f"http://site.example{path}", method="GET", request_headers=(("User-Agent", "t"),),
        request_body=b"", status=status,
        response_headers=(("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")),
        body=body, fetched_at=STARTED, ip_address="127.0.0.1")


def read(path: Path) -> list:
    with path.open("rb") as stream:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
                for r in ArchiveIterator(stream)]


def test_file_name_has_the_start_time_and_a_serial():
    assert warc_file_name(STARTED, 0) == "healtharchive-20250304050607-00000.warc.gz"
    later = STARTED.astimezone(timezone(timedelta(hours=2)))
    assert warc_file_name(later, 12) == "healtharchive-20250304050607-00012.warc.gz"


def test_warcinfo_fields_repeat_list_values_and_skip_empty_ones():
    body = warcinfo_fields({"software": "x/1", "operator": None, "start-url": ["http://a/", "http://b/"]})
    assert body == b"software: x/1\r\nstart-url: http://a/\r\nstart-url: http://b/\r\n"


def test_a_file_is_written_under_its_open_name_and_renamed_on_close(tmp_path):
    files = WarcFiles(tmp_path, started_at=STARTED, info={"software": "test"})
    files.write(exchange("/a"))
    partial = files.current_path
    assert partial is not None and partial.name.endswith(".warc.gz.open")
    assert [p.name for p in tmp_path.iterdir()] == [partial.name]
    # What a killed crawl leaves: readable up to its last record, but never the final name.
    assert [kind for kind, *_ in read(partial)] == ["warcinfo", "response", "request"]
    files.close()
    assert [p.name for p in tmp_path.iterdir()] == ["healtharchive-20250304050607-00000.warc.gz"]
    assert files.written == [tmp_path / "healtharchive-20250304050607-00000.warc.gz"]


def test_response_record_carries_status_headers_and_payload(tmp_path):
    files = WarcFiles(tmp_path, started_at=STARTED, info={})
    files.write(exchange("/gone?x=1", body=b"missing", status=404))
    files.close()
    (_, _, _, info), (_, response, http, payload), (_, request, request_http, _) = read(files.written[0])
    assert b"format: WARC File Format 1.1" in info
    assert response.get_header("WARC-Target-URI") == "http://site.example/gone?x=1"
    assert response.get_header("WARC-Date") == "2025-03-04T05:06:07Z"
    assert response.get_header("WARC-IP-Address") == "127.0.0.1"
    assert http.statusline == "404 Not Found" and payload == b"missing"
    assert http.get_header("Content-Length") == "7" and http.get_header("Transfer-Encoding") is None
    assert request.get_header("WARC-Concurrent-To") == response.get_header("WARC-Record-ID")
    assert request_http.protocol == "GET" and request_http.statusline == "/gone?x=1 HTTP/1.1"
    assert request_http.get_header("Host") == "site.example"


def test_files_rotate_at_the_size_limit_each_with_its_warcinfo(tmp_path):
    files = WarcFiles(tmp_path, started_at=STARTED, info={}, max_size=2_000)
    for n in range(6):
        files.write(exchange(f"/p{n}", body=bytes(range(256)) * 8))  # ~2 kB each, incompressible-ish
    files.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) >= 3 and names == [p.name for p in files.written]
    assert names[:3] == [warc_file_name(STARTED, n) for n in range(3)]
    uris = []
    for path in files.written:
        kinds = read(path)
        assert kinds[0][0] == "warcinfo"
        assert kinds[0][1].get_header("WARC-Filename") == path.name
        uris += [h.get_header("WARC-Target-URI") for kind, h, _, _ in kinds if kind == "response"]
    assert uris == [f"http://site.example/p{n}" for n in range(6)]


def test_existing_files_are_never_overwritten(tmp_path):
    (tmp_path / warc_file_name(STARTED, 0)).write_bytes(b"earlier crawl")
    (tmp_path / f"{warc_file_name(STARTED, 1)}.open").write_bytes(b"killed crawl")
    files = WarcFiles(tmp_path, started_at=STARTED, info={})
    files.write(exchange("/a"))
    files.close()
    assert files.written == [tmp_path / warc_file_name(STARTED, 2)]
    assert (tmp_path / warc_file_name(STARTED, 0)).read_bytes() == b"earlier crawl"


def test_middleware_is_off_without_a_folder():
    with pytest.raises(NotConfigured):
        WarcWriterMiddleware.from_crawler(get_crawler(settings_dict={}))


def test_middleware_keeps_compressed_bodies_raw_and_skips_304_cached_and_archived(tmp_path):
    crawler = get_crawler(settings_dict={"ARCHIVE_WARC_DIR": str(tmp_path / "warc"),
                                         "ARCHIVE_START_URLS": ["http://site.example/"]})
    middleware = WarcWriterMiddleware.from_crawler(crawler)
    html = b"<html>" + b"compressed " * 100 + b"</html>"
    raw = gzip.compress(html)

    def respond(path: str, **kwargs) -> Response:
        request = Request(f"http://site.example{path}", meta={"download_latency": 0.5})
        response = Response(request.url, request=request, **kwargs)
        assert middleware.process_response(request, response) is response
        return response

    respond("/gz", headers={"Content-Encoding": "gzip", "Content-Length": str(len(raw))}, body=raw)
    respond("/same", status=304)
    respond("/cache", body=b"old", flags=["cached"])
    respond("/unchanged", body=b"<html>kept</html>", flags=["not_modified"])  # from the archive
    middleware._finish()
    (path,) = middleware.files.written
    kinds = read(path)
    assert "start-url: http://site.example/" in kinds[0][3].decode()
    responses = [(h, http, body) for kind, h, http, body in kinds if kind == "response"]
    assert [h.get_header("WARC-Target-URI") for h, _, _ in responses] == ["http://site.example/gz"]
    _, http, decoded = responses[0]
    assert http.get_header("Content-Encoding") == "gzip" and http.get_header("Content-Length") == str(len(raw))
    assert decoded == html  # warcio decodes the stored gzip body on reading
    with path.open("rb") as stream:
        stored = [r.raw_stream.read() for r in ArchiveIterator(stream) if r.rec_type == "response"]
    assert stored == [raw]  # what the server sent, byte for byte


def test_a_write_failure_closes_the_crawl_and_is_reported(tmp_path, monkeypatch):
    crawler = get_crawler(settings_dict={"ARCHIVE_WARC_DIR": str(tmp_path)})
    middleware = WarcWriterMiddleware.from_crawler(crawler)
    aborts = []
    monkeypatch.setattr("crawler.warc._call_in_reactor", aborts.append)
    middleware.spider_opened()

    def full_disk(exchange):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(middleware.files, "write", full_disk)
    request = Request("http://site.example/a")
    middleware.process_response(request, Response(request.url, request=request, body=b"x"))
    middleware._finish()
    middleware._report()
    assert aborts == [middleware._abort]
    assert crawler.stats.get_value("warc/error") == (
        "http://site.example/a: OSError: [Errno 28] No space left on device")
    assert crawler.stats.get_value("warc/records") == 0


def test_exchange_of_dates_the_record_at_the_start_of_the_fetch():
    request = Request("http://site.example/a", meta={"download_latency": 2.0})
    response = Response(request.url, request=request, body=b"x")
    now = datetime(2025, 1, 1, 12, 0, 10, tzinfo=UTC)
    assert exchange_of(request, response, received_at=now).fetched_at == now - timedelta(seconds=2)
    assert exchange_of(Request("file:///x"), Response("file:///x"), received_at=now) is None


def test_crawl_rejects_a_warc_folder_it_cannot_create(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.db"),
                     "--warc", str(blocker / "warc"))
    assert result.returncode == 2
    assert result.stderr.startswith("healtharchive: error: cannot create WARC folder")
    assert "Traceback" not in result.stderr
