"""docker-compose.yml: a reverse proxy in front, the only way in; `web` is not published."""

import re

import yaml
from django.conf import settings

COMPOSE = settings.BASE_DIR / "docker-compose.yml"
CADDYFILE = settings.BASE_DIR / "Caddyfile"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_only_the_proxy_publishes_ports():
    services = _compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert services["proxy"]["image"].startswith("caddy")
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]


def test_web_is_reached_only_on_internal_networks_from_the_proxy():
    compose = _compose()
    services, networks = compose["services"], compose["networks"]
    web, proxy = services["web"], services["proxy"]
    shared = set(web["networks"]) & set(proxy["networks"])
    assert shared == {"edge"}
    assert networks["edge"]["internal"] is True
    assert networks["backend"]["internal"] is True
    for name in ("postgres", "redis"):
        assert services[name]["networks"] == ["backend"]
    # The portal trusts exactly one proxy hop, which only Caddy can add.
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"


def test_the_caddyfile_proxies_to_web_and_trusts_no_forwarded_header():
    text = CADDYFILE.read_text()
    code = "\n".join(line.split("#")[0] for line in text.splitlines())
    assert re.search(r"^\s*reverse_proxy web:8000\b", code, re.MULTILINE)
    # Without trusted_proxies Caddy replaces a client's X-Forwarded-For with its address.
    assert "trusted_proxies" not in code
    # Its access log would keep the search parameter that gunicorn's drops.
    assert not re.search(r"^\s*log\b", code, re.MULTILINE)
