import datetime
from types import SimpleNamespace

from gunicorn.config import Config

from portal.gunicorn_logging import RedactingLogger, redact_url

TOKEN = "Qm9uam91ci1sZS10b2tlbi1kZS10ZXN0"


def test_it_hides_link_tokens_but_keeps_the_rest():
    assert redact_url(f"GET /oferta/link/{TOKEN}/ HTTP/1.1") == "GET /oferta/link/…/ HTTP/1.1"
    assert redact_url("/oferta/link/niewazny/") == "/oferta/link/niewazny/"
    assert redact_url("/agent/oferty/12/") == "/agent/oferty/12/"
    assert redact_url("/agent/oferty/?q=44051401359&stan=") == "/agent/oferty/?q=…&stan="
    assert redact_url("/agent/oferty/?q=1234563218") == "/agent/oferty/?q=…"
    # Other numbers elsewhere in the line are still masked.
    assert redact_url("/x/?ref=44051401359") == "/x/?ref=44•••••••••"


def test_it_drops_the_search_value_however_it_is_written():
    for typed in ("920+713+147+64", "920%20713%20147%2064", "774-000-14-54", "Kowalska", ""):
        line = f"GET /agent/oferty/?stan=sent&q={typed}&strona=2 HTTP/1.1"
        assert redact_url(line) == "GET /agent/oferty/?stan=sent&q=…&strona=2 HTTP/1.1"
    assert redact_url("q=774.000.14.54") == "q=…"


def test_the_access_log_line_drops_the_search_value_from_every_atom():
    logger = RedactingLogger(Config())
    query = "q=920+713+147+64"
    request = SimpleNamespace(
        method="GET", path="/agent/oferty/", query=query, version=(1, 1), headers=[]
    )
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/agent/oferty/?{query}",
        "PATH_INFO": "/agent/oferty/",
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.4",
        "HTTP_REFERER": f"https://portal.example/agent/oferty/?{query}",
    }
    response = SimpleNamespace(status="200 OK", response_length=0, sent=0, headers=[])
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=5))
    line = " ".join(str(atoms[key]) for key in ("r", "U", "q", "f"))
    assert "713" not in line and "64" not in line.replace("…", "")
    assert "q=…" in atoms["r"] and atoms["q"] == "q=…" and "q=…" in atoms["f"]


def test_the_access_log_line_carries_no_token():
    logger = RedactingLogger(Config())
    request = SimpleNamespace(
        method="GET",
        path=f"/oferta/link/{TOKEN}/",
        query="",
        version=(1, 1),
        headers=[("REFERER", f"https://mail.example/?u=/oferta/link/{TOKEN}/")],
    )
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/oferta/link/{TOKEN}/",
        "PATH_INFO": f"/oferta/link/{TOKEN}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.4",
        "HTTP_REFERER": f"https://mail.example/?u=/oferta/link/{TOKEN}/",
    }
    response = SimpleNamespace(status="303 See Other", response_length=0, sent=0, headers=[])
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=5))
    line = logger.cfg.access_log_format % atoms
    assert TOKEN not in line
    assert "/oferta/link/…/" in line
