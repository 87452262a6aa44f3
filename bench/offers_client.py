"""The client's offer page (DMS), in a client session scoped to one offer, against the reference.

    .venv/bin/python bench/offers_client.py [--duration 3] [--rounds 5] [--keep-db]

The client came by the e-mailed link, gave the PESEL, downloaded the three
documents (rendered for real) and ticked the consents: the page shows the
offer with masked identifiers, the documents, the consents and an active
"Zapłać" form. The session is built as `offers.client_views` builds it.
"""

import os
import sys
import time
from pathlib import Path

if __package__ in {None, ""}:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_offers_client"
)
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("MEDIA_ROOT", str(Path(__file__).resolve().parent / "results" / "media"))

from bench.harness import Target  # noqa: E402
from bench.run import arguments, report_pages  # noqa: E402

_offer: list[int] = []


def seed() -> None:
    from bench import dms

    _offer[:] = [dms.sent_offer(number=1, real_documents=True).pk]


def client_cookie() -> str:
    """A session at the last stage (UNLOCKED) for the seeded offer, as the views leave it."""
    from importlib import import_module

    from django.conf import settings

    from accounts.sessions import STARTED_AT, TOUCHED_AT
    from offers.client_views import SESSION_KEY, UNLOCKED
    from offers.models import Offer

    offer = Offer.objects.get(pk=_offer[0])
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[STARTED_AT] = store[TOUCHED_AT] = time.time()
    store[SESSION_KEY] = {
        "offer": offer.pk,
        "version": offer.version,
        "stage": UNLOCKED,
        "via": "link",
    }
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def main() -> int:
    options = arguments(__doc__.splitlines()[0]).parse_args()
    return report_pages(
        {"client offer": Target("/oferta/szczegoly/", cookie=client_cookie)},
        options,
        "offers-client",
        seed=seed,
    )


if __name__ == "__main__":
    sys.exit(main())
