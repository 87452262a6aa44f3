import datetime
from types import SimpleNamespace

from gunicorn.config import Config

from portal.gunicorn_logging import RedactingLogger, redact_url

TOKEN = "Qm9uam91ci1sZS10b2tlbi1kZS10ZXN0"


def test_it_hides_link_tokens_but_keeps_the_rest():
    assert redact_url(f"GET /oferta/link/{TOKEN}/ HTTP/1.1") == "GET /oferta/link/…/ HTTP/1.1"
    assert redact_url("/oferta/link/niewazny/") == "/oferta/link/niewazny/"
    assert redact_url("/agent/oferty/12/") == "/agent/oferty/12/"
    assert redact_url("/agent/oferty/?q=44051401359&stan=") == "/agent/oferty/?q=44•••••••••&stan="
    assert redact_url("/agent/oferty/?q=1234563218") == "/agent/oferty/?q=12••••••••"


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
