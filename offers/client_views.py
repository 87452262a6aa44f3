"""The client's pages of remote sale (DMS), under /oferta/.

A client session is scoped to one offer: the session holds the offer's id and
the version the client last saw and how far the client has come (identified by
a link or code, logged in, offer unlocked). It is begun with
`accounts.sessions.session_begin`, so the portal's own rules end it after 30
minutes without a request (and 12 hours in all). URLs carry no offer id, so
there is no other offer to ask for.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import security_event
from accounts.decorators import no_referrer
from accounts.downloads import file_download
from accounts.network import client_ip
from accounts.sessions import session_begin
from payments.selectors import payment_page_state

from . import client_services as cs
from . import selectors
from .client_forms import (
    AccessCodeForm,
    ConsentForm,
    FilePasswordForm,
    PaymentMethodForm,
    PeselForm,
)
from .evidence import DocumentDownload, Policy
from .models import Offer
from .policy import certificate_pdf
from .views import agent_required  # the agent pages' rule: role + second factor

SESSION_KEY = "offers.client"

# Stages of a client session, in order.
IDENTIFIED = 1  # came with a link or code; the new portal still asks the PESEL
LOGGED_IN = 2  # in; the old portal still asks the file password ("ZOBACZ OFERTĘ")
UNLOCKED = 3  # sees the offer, its documents, consents and payment

DOCUMENT_SLUGS = {
    "oferta": DocumentDownload.Kind.OFFER,
    "owu": DocumentDownload.Kind.OWU,
    "regulamin": DocumentDownload.Kind.REGULATIONS,
}
SLUG_OF = {kind: slug for slug, kind in DOCUMENT_SLUGS.items()}

ClientView = Callable[..., HttpResponseBase]


def _visitor(request: HttpRequest) -> cs.Visitor:
    return cs.Visitor(ip=client_ip(request), user_agent=request.headers.get("User-Agent", ""))


def _scope_begin(request: HttpRequest, offer: Offer, *, stage: int, via: str) -> None:
    """A new client session for this one offer, under a fresh key (against fixation)."""
    request.session.pop(SESSION_KEY, None)
    session_begin(request)
    request.session[SESSION_KEY] = {
        "offer": offer.pk,
        "version": offer.version,
        "stage": stage,
        "via": via,
    }


def _scope_raise(request: HttpRequest, stage: int) -> None:
    scope = request.session[SESSION_KEY]
    # Every step up in trust gets a fresh session key too.
    session_begin(request)
    request.session[SESSION_KEY] = {**scope, "stage": stage}


def _scope(request: HttpRequest) -> dict[str, Any] | None:
    scope = request.session.get(SESSION_KEY)
    return scope if isinstance(scope, dict) else None


def _next_step(offer: Offer, stage: int) -> str:
    if stage >= UNLOCKED:
        return reverse("offers:client-offer")
    if stage >= LOGGED_IN:
        return reverse("offers:client-password")
    return reverse("offers:client-pesel")


def _back_to_start(request: HttpRequest) -> HttpResponse:
    messages.warning(
        request,
        _(
            "Sesja wygasła albo nie jesteś zalogowany(-a) do oferty. Otwórz ponownie link "
            "z wiadomości e-mail albo wpisz e-mail i kod dostępu. Jeśli link wygasł, "
            "poproś agenta o ponowne wysłanie linka."
        ),
    )
    return redirect("offers:client-access")


def client_required(stage: int) -> Callable[[ClientView], ClientView]:
    """Let in a client whose session for one offer has reached `stage`; pass that offer."""

    def decorator(view: ClientView) -> ClientView:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            scope = _scope(request)
            offer = cs.offer_for_client(scope["offer"]) if scope else None
            if scope is None or offer is None:
                return _back_to_start(request)
            if scope["stage"] < stage:
                return redirect(_next_step(offer, scope["stage"]))
            if offer.version != scope["version"]:
                messages.info(
                    request,
                    _(
                        "Agent zmienił ofertę. Sprawdź nową wersję, pobierz ponownie dokumenty "
                        "i ponownie zaznacz zgody."
                    ),
                )
                request.session[SESSION_KEY] = {**scope, "version": offer.version}
            response = view(request, offer, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        return wrapped

    return decorator


# Entry ----------------------------------------------------------------------------------


@require_GET
@no_referrer
def client_link(request: HttpRequest, token: str) -> HttpResponse:
    """Swap the e-mailed token for a session and move to a clean URL at once.

    Never answers 4xx here, so Django's request log never writes this path
    (with the token in it); the Referer of the next page carries no token.
    """
    offer = cs.offer_enter_by_link(token=token)
    if offer is None:
        security_event("dms.link_refused", who="offer:-")
        return HttpResponseRedirect(reverse("offers:client-link-invalid"), status=303)
    new_portal = offer.product.is_new_portal
    _scope_begin(request, offer, stage=IDENTIFIED if new_portal else LOGGED_IN, via="link")
    if not new_portal:
        cs.client_entered(offer=offer, via="link", step="link", visitor=_visitor(request))
    next_url = _next_step(offer, request.session[SESSION_KEY]["stage"])
    return HttpResponseRedirect(next_url, status=303)


@require_GET
def client_link_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "offers/client/link_invalid.html", status=200)


# No `no_referrer` here: this page carries no token, and Chromium sends
# "Origin: null" with form posts from a no-referrer page, which CSRF refuses.
@require_http_methods(["GET", "POST"])
def client_access(request: HttpRequest) -> HttpResponse:
    """Without the link: e-mail + access code (INTER + 4 digits)."""
    form = AccessCodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            offer = cs.offer_enter_by_code(
                email=form.cleaned_data["email"],
                code=form.cleaned_data["code"],
                visitor=_visitor(request),
            )
        except cs.EntryRefused as refused:
            error = refused.message
        else:
            new_portal = offer.product.is_new_portal
            stage = IDENTIFIED if new_portal else LOGGED_IN
            _scope_begin(request, offer, stage=stage, via="code")
            if not new_portal:
                cs.client_entered(offer=offer, via="code", step="code", visitor=_visitor(request))
            return HttpResponseRedirect(_next_step(offer, stage), status=303)
    scope = _scope(request)
    context = {"form": form, "error": error, "continue_url": scope and _next_step_url(scope)}
    # A wrong answer is an ordinary page (200): Chromium logs any 4xx document as an error.
    return render(request, "offers/client/access.html", context)


def _next_step_url(scope: dict[str, Any]) -> str:
    offer = cs.offer_for_client(scope["offer"])
    return _next_step(offer, scope["stage"]) if offer else ""


def _unlock_step(
    request: HttpRequest,
    offer: Offer,
    form: forms.Form,
    check: Callable[[dict[str, Any]], object],
    *,
    step: str,
    template: str,
) -> HttpResponse:
    """The client's second entry step: on a right answer, unlock the offer page."""
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            check(form.cleaned_data)
        except cs.EntryRefused as refused:
            error = refused.message
        else:
            _scope_raise(request, UNLOCKED)
            via = request.session[SESSION_KEY]["via"]
            cs.client_entered(offer=offer, via=via, step=step, visitor=_visitor(request))
            return HttpResponseRedirect(reverse("offers:client-offer"), status=303)
    return render(request, template, {"form": form, "error": error, "offer": offer})


@require_http_methods(["GET", "POST"])
@client_required(IDENTIFIED)
def client_pesel(request: HttpRequest, offer: Offer) -> HttpResponse:
    """New portal: the client logs in with the policyholder's PESEL."""
    if not offer.product.is_new_portal:
        return redirect(_next_step(offer, request.session[SESSION_KEY]["stage"]))
    return _unlock_step(
        request,
        offer,
        PeselForm(request.POST or None),
        lambda data: cs.offer_check_pesel(
            offer=offer, pesel=data["pesel"], visitor=_visitor(request)
        ),
        step="pesel",
        template="offers/client/pesel.html",
    )


@require_http_methods(["GET", "POST"])
@client_required(LOGGED_IN)
def client_password(request: HttpRequest, offer: Offer) -> HttpResponse:
    """Old portal, "ZOBACZ OFERTĘ": the file password (last 4 digits of NIP or PESEL)."""
    if offer.product.is_new_portal or request.session[SESSION_KEY]["stage"] >= UNLOCKED:
        return redirect("offers:client-offer")
    return _unlock_step(
        request,
        offer,
        FilePasswordForm(request.POST or None),
        lambda data: cs.offer_check_file_password(
            offer=offer, password=data["password"], visitor=_visitor(request)
        ),
        step="file_password",
        template="offers/client/password.html",
    )


@require_POST
def client_logout(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    messages.success(request, _("Wylogowano z oferty."))
    return redirect("offers:client-access")


# The offer -------------------------------------------------------------------------------


def _offer_context(offer: Offer, **extra: Any) -> dict[str, Any]:
    done = selectors.downloads_done(offer)
    payments = selectors.payments_of_offer(offer)
    last = payments[0] if payments else None
    return {
        "offer": offer,
        "deadline": offer.payment_deadline_local,
        "documents": [
            (SLUG_OF[kind], DocumentDownload.Kind(kind).label, kind in done)
            for kind in cs.DOCUMENT_KINDS
        ],
        "all_downloaded": done == set(cs.DOCUMENT_KINDS),
        "documents_available": cs.documents_available(offer),
        "consents_done": selectors.consents_done(offer),
        "can_pay": cs.offer_can_pay(offer),
        "new_portal": offer.product.is_new_portal,
        "last_payment_state": payment_page_state(last) if last and not last.is_final else None,
        "consent_form": extra.pop("consent_form", None) or ConsentForm(),
        "payment_form": extra.pop("payment_form", None) or PaymentMethodForm(),
        **extra,
    }


@require_GET
@client_required(UNLOCKED)
def client_offer(request: HttpRequest, offer: Offer) -> HttpResponse:
    return render(request, "offers/client/offer.html", _offer_context(offer))


@require_GET
@client_required(UNLOCKED)
def client_offer_status(request: HttpRequest, offer: Offer) -> HttpResponse:
    """What the offer page's script asks after a download: which steps are done."""
    done = selectors.downloads_done(offer)
    consents = selectors.consents_done(offer)
    return JsonResponse(
        {
            "downloaded": sorted(SLUG_OF[DocumentDownload.Kind(kind)] for kind in done),
            "all_downloaded": done == set(cs.DOCUMENT_KINDS),
            "consents_done": consents,
            "ready": done == set(cs.DOCUMENT_KINDS) and consents and cs.offer_can_pay(offer),
        }
    )


@require_GET
@client_required(UNLOCKED)
def client_document(request: HttpRequest, offer: Offer, slug: str) -> HttpResponseBase:
    """Serve one of the three documents and keep the SHA-256 of the exact bytes sent."""
    kind = DOCUMENT_SLUGS.get(slug)
    if kind is None:
        raise Http404
    if not cs.documents_available(offer):
        messages.error(
            request,
            _("Dokumenty nieaktualnej oferty nie są już dostępne. Poproś agenta o nową ofertę."),
        )
        return redirect("offers:client-offer")
    filename, data = cs.document_for_client(offer=offer, kind=kind)
    cs.document_download_record(
        offer=offer, kind=kind, filename=filename, data=data, visitor=_visitor(request)
    )
    return file_download(data, filename=filename)


@require_POST
@client_required(UNLOCKED)
def client_consents(request: HttpRequest, offer: Offer) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Zaznacz wszystkie wymagane zgody."))
        return render(
            request,
            "offers/client/offer.html",
            _offer_context(offer, consent_form=form),
        )
    try:
        cs.consents_accept(offer=offer, codes=form.accepted(), visitor=_visitor(request))
    except cs.ClientStepError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Zgody zapisane. Możesz przejść do płatności."))
    return HttpResponseRedirect(reverse("offers:client-offer") + "#platnosc", status=303)


@require_POST
@client_required(UNLOCKED)
def client_pay(request: HttpRequest, offer: Offer) -> HttpResponse:
    """ "Zapłać": hand the client to the payment provider's hosted page."""
    form = PaymentMethodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Wybierz sposób płatności: BLIK, przelew albo kartę."))
        return HttpResponseRedirect(reverse("offers:client-offer") + "#platnosc", status=303)
    try:
        url = cs.offer_payment_start(
            offer=offer, method=form.cleaned_data["method"], visitor=_visitor(request)
        )
    except cs.ClientStepError as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(reverse("offers:client-offer") + "#platnosc", status=303)
    return HttpResponseRedirect(url, status=303)


@require_GET
@client_required(UNLOCKED)
def client_paid(request: HttpRequest, offer: Offer) -> HttpResponse:
    """Where the payments waiting page sends the client once the payment is confirmed."""
    policy = Policy.objects.filter(offer=offer).first()
    return render(request, "offers/client/paid.html", {"offer": offer, "policy": policy})


# Evidence for the agent and staff ---------------------------------------------------------


@require_GET
def offer_certificate(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The remote-sale certificate PDF: for the offer's agent, and for staff."""
    user = request.user
    if user.is_authenticated and user.is_staff:
        return _certificate_response(get_object_or_404(Offer, pk=pk))
    return _agent_certificate(request, pk)


def _agent_certificate_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    offer = get_object_or_404(
        Offer.objects.select_related("product", "package"), pk=pk, agent=request.user
    )
    return _certificate_response(offer)


def _certificate_response(offer: Offer) -> HttpResponseBase:
    filename = f"Zaswiadczenie_sprzedazy_{offer.product.code}_{offer.number:09d}.pdf"
    return file_download(certificate_pdf(offer), filename=filename)


_agent_certificate = agent_required(_agent_certificate_view)
