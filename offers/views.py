"""The agent's pages of remote sale (DMS). The client's pages belong to the client issue."""

from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.downloads import csv_download, file_download
from accounts.models import AuthenticatedRequest
from accounts.otp import verified_role_required
from accounts.roles import Role
from accounts.views import TwoFactorLoginView

from . import documents, policy, selectors, services
from .evidence import Policy
from .forms import ConsentForm, OfferFilterForm, OfferForm, SendForm
from .models import WARSAW, DmsLink, Offer, ProductDocument

agent_login = TwoFactorLoginView.as_view(
    namespace="offers", role=Role.AGENT, extra_context={"heading": gettext_lazy("Logowanie agenta")}
)
agent_required = verified_role_required(Role.AGENT, login_url="offers:login")

DOCUMENT_KINDS = {"owu": ProductDocument.Kind.OWU, "regulamin": ProductDocument.Kind.REGULATIONS}


def _get_offer_for_agent(request: AuthenticatedRequest, pk: int) -> Offer:
    """The agent's own offer, or 404: another agent's offer id must look like no offer."""
    return get_object_or_404(
        Offer.objects.select_related("product", "package", "agent"), pk=pk, agent=request.user
    )


def _refuse(request: HttpRequest, error: services.OfferError, offer: Offer) -> HttpResponse:
    messages.error(request, error.message)
    return redirect("offers:detail", pk=offer.pk)


def _client_access_url() -> str:
    return settings.PORTAL_BASE_URL + reverse("offers:client-access")


# List ---------------------------------------------------------------------------


def _filtered_offers(request: AuthenticatedRequest) -> tuple[OfferFilterForm, QuerySet[Offer], int]:
    form = OfferFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    sort = OfferFilterForm.SORTS.get(data.get("sort") or "-utworzono", "-created_at")
    offers = selectors.offers_for_agent(
        agent=request.user, query=data.get("q", ""), state=data.get("stan", ""), sort=sort
    )
    return form, offers, data.get("na_stronie") or 50


@agent_required
@require_GET
def offer_list(request: AuthenticatedRequest) -> HttpResponse:
    form, offers, per_page = _filtered_offers(request)
    values = selectors.offer_list_values(offers)
    paginator = selectors.OfferPaginator(values, offers, per_page)
    page = paginator.get_page(request.GET.get("strona"))
    rows = selectors.offer_rows(page, timezone.now())
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = {
        "q": data.get("q", ""),
        "stan": data.get("stan", ""),
        "sort": data.get("sort") or "-utworzono",
        "na_stronie": per_page,
    }
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "state_choices": form.fields["stan"].choices,  # type: ignore[attr-defined]  # a ChoiceField
        "sort_choices": form.fields["sort"].choices,  # type: ignore[attr-defined]  # a ChoiceField
        "page_sizes": OfferFilterForm.PAGE_SIZES,
        "filter_form": form,
    }
    return render(request, "offers/offer_list.html", context)


def _csv_rows(offers: QuerySet[Offer]) -> Iterator[list[str]]:
    yield [
        _("Numer"),
        _("Produkt"),
        _("Pakiet"),
        _("Stan"),
        _("Ubezpieczający"),
        _("PESEL/NIP"),
        _("Składka"),
        _("Data wystawienia"),
        _("Ochrona od"),
        _("Ochrona do"),
        _("Termin płatności"),
    ]
    for offer in offers.iterator(chunk_size=500):
        yield [
            offer.display_number,
            offer.product.code,
            offer.package.name,
            offer.get_state_display(),
            offer.holder_name,
            offer.holder_identifier_masked,
            f"{offer.premium:.2f}".replace(".", ","),
            offer.issued_on.strftime("%d.%m.%Y"),
            offer.protection_start.strftime("%d.%m.%Y"),
            offer.protection_end.strftime("%d.%m.%Y"),
            offer.payment_deadline_local.strftime("%d.%m.%Y %H:%M"),
        ]


@agent_required
@require_GET
def offer_list_csv(request: AuthenticatedRequest) -> StreamingHttpResponse:
    _form, offers, _per_page = _filtered_offers(request)
    stamp = timezone.now().astimezone(WARSAW).strftime("%Y%m%d-%H%M")
    return csv_download(
        _csv_rows(selectors.offers_for_export(offers)), filename=f"oferty-{stamp}.csv"
    )


# Create, edit, copy, cancel -------------------------------------------------------


@agent_required
@require_http_methods(["GET", "POST"])
def offer_create(request: AuthenticatedRequest) -> HttpResponse:
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(agent=request.user, details=form.details())
        except services.OfferError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Utworzono ofertę %(number)s.") % {"number": offer})
            return redirect("offers:detail", pk=offer.pk)
    return render(request, "offers/offer_form.html", {"form": form, "mode": "create"})


@agent_required
@require_http_methods(["GET", "POST"])
def offer_copy(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    source = _get_offer_for_agent(request, pk)
    form = OfferForm(request.POST or None, initial=OfferForm.initial_from(source, copy=True))
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(
                agent=request.user, details=form.details(), copied_from=source
            )
        except services.OfferError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Utworzono ofertę %(number)s jako kopię %(source)s.")
                % {"number": offer, "source": source},
            )
            return redirect("offers:detail", pk=offer.pk)
    return render(
        request, "offers/offer_form.html", {"form": form, "mode": "copy", "source": source}
    )


@agent_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = _get_offer_for_agent(request, pk)
    if not offer.is_open:
        messages.error(request, _("Tej oferty nie można już zmieniać."))
        return redirect("offers:detail", pk=offer.pk)
    form = OfferForm(request.POST or None, initial=OfferForm.initial_from(offer))
    if request.method == "POST" and form.is_valid():
        old_email = offer.email
        try:
            offer = services.offer_update(offer=offer, details=form.details(), actor=request.user)
        except services.OfferError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Zapisano zmiany oferty."))
            if offer.state == Offer.State.SENT:
                messages.info(
                    request,
                    _(
                        "Klient zobaczy nową wersję oferty i musi ponownie pobrać dokumenty "
                        "oraz zaakceptować zgody."
                    ),
                )
                if offer.email != old_email:
                    messages.warning(
                        request,
                        _(
                            "Zmieniono adres e-mail klienta, więc wysłane wcześniej linki "
                            "przestały działać. Wyślij klientowi nowy link przyciskiem "
                            "„Wyślij link do DMS”."
                        ),
                    )
            return redirect("offers:detail", pk=offer.pk)
    return render(request, "offers/offer_form.html", {"form": form, "mode": "edit", "offer": offer})


@agent_required
@require_POST
def offer_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = _get_offer_for_agent(request, pk)
    try:
        services.offer_cancel(offer=offer, actor=request.user)
    except services.OfferError as error:
        return _refuse(request, error, offer)
    messages.success(request, _("Oferta %(number)s została anulowana.") % {"number": offer})
    return redirect("offers:detail", pk=offer.pk)


# Detail and documents -------------------------------------------------------------


@agent_required
@require_GET
def offer_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = _get_offer_for_agent(request, pk)
    now = timezone.now()
    context = {
        "offer": offer,
        "now": now,
        "deadline": offer.payment_deadline_local,
        "events": selectors.offer_timeline(offer),
        "links": offer.links.all()[:10],
        "send_form": SendForm(),
        "client_access_url": _client_access_url(),
        "can_send": offer.is_open and not offer.deadline_passed(now),
        "policy": Policy.objects.filter(offer=offer).first(),
    }
    return render(request, "offers/offer_detail.html", context)


@agent_required
@require_GET
def offer_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    offer = _get_offer_for_agent(request, pk)
    return file_download(documents.offer_pdf(offer), filename=documents.offer_pdf_filename(offer))


@agent_required
@require_GET
def offer_document(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponseBase:
    offer = _get_offer_for_agent(request, pk)
    if kind not in DOCUMENT_KINDS:
        raise Http404
    document = documents.product_document(product=offer.product, kind=DOCUMENT_KINDS[kind])
    return file_download(document.file.open("rb"), filename=document.filename)


@agent_required
@require_GET
def offer_timeline_csv(request: AuthenticatedRequest, pk: int) -> StreamingHttpResponse:
    offer = _get_offer_for_agent(request, pk)

    def rows() -> Iterator[list[str]]:
        yield [_("Czas"), _("Zdarzenie"), _("Kto"), _("Wersja oferty")]
        for event in selectors.offer_timeline(offer):
            who = event.actor.get_username() if event.actor else event.actor_label
            yield [
                event.at.astimezone(WARSAW).strftime("%d.%m.%Y %H:%M:%S"),
                event.get_kind_display(),
                who,
                str(event.offer_version),
            ]

    return csv_download(rows(), filename=f"historia-{offer.product.code}-{offer.number}.csv")


# DMS ----------------------------------------------------------------------------


@agent_required
@require_POST
def offer_send_dms(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = _get_offer_for_agent(request, pk)
    form = SendForm(request.POST)
    revoke = form.is_valid() and form.cleaned_data["revoke_previous"]
    try:
        result = services.offer_send_dms(offer=offer, actor=request.user, revoke_previous=revoke)
    except services.OfferError as error:
        return _refuse(request, error, offer)
    if result.outcome == services.SendOutcome.NO_CONSENT:
        messages.warning(request, _("Brak zgody Klienta"))
        return redirect("offers:consent", pk=offer.pk)
    if offer.product.is_new_portal:
        messages.success(request, _("Wysłanie linka do oferty DMS powiodło się"))
    else:
        messages.success(request, _("Wysłanie e-maila z linkiem do Klienta"))
        messages.info(
            request,
            _("Gdyby e-mail nie dotarł, podaj Klientowi stronę %(url)s i kod dostępu %(code)s.")
            % {"url": _client_access_url(), "code": offer.access_code},
        )
    return redirect("offers:detail", pk=offer.pk)


@agent_required
@require_http_methods(["GET", "POST"])
def offer_consent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """ "Brak zgody Klienta": nothing goes out; record the date and maybe generate the code."""
    offer = _get_offer_for_agent(request, pk)
    form = ConsentForm(request.POST or None, offer=offer)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_record_consent(
                offer=offer, actor=request.user, **form.cleaned_data
            )
        except services.OfferError as error:
            return _refuse(request, error, offer)
        if offer.access_code_enabled_at:
            messages.success(
                request,
                _("Kod dostępu do oferty: %(code)s. Podaj Klientowi stronę %(url)s i ten kod.")
                % {"code": offer.access_code, "url": _client_access_url()},
            )
        else:
            messages.success(request, _("Zapisano datę poinformowania Klienta."))
        return redirect("offers:detail", pk=offer.pk)
    return render(
        request,
        "offers/offer_consent.html",
        {"offer": offer, "form": form, "client_access_url": _client_access_url()},
    )


@agent_required
@require_POST
def link_revoke(request: AuthenticatedRequest, pk: int, link_pk: int) -> HttpResponse:
    offer = _get_offer_for_agent(request, pk)
    link = get_object_or_404(DmsLink, pk=link_pk, offer=offer)
    services.dms_link_revoke(link=link, actor=request.user)
    messages.success(request, _("Link został unieważniony."))
    return redirect("offers:detail", pk=offer.pk)


# Polisuj --------------------------------------------------------------------------


@agent_required
@require_POST
def offer_polisuj(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = _get_offer_for_agent(request, pk)
    try:
        services.offer_issue_policy(offer=offer, actor=request.user)
    except services.OfferError as error:
        return _refuse(request, error, offer)
    return redirect("offers:policy", pk=offer.pk)


@agent_required
@require_GET
def offer_policy(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    offer = _get_offer_for_agent(request, pk)
    if offer.state != Offer.State.POLICY:
        raise Http404
    return render(
        request,
        "offers/offer_policy.html",
        {
            "offer": offer,
            "deadline": offer.payment_deadline_local,
            "policy": Policy.objects.filter(offer=offer).first(),
        },
    )


@agent_required
@require_GET
def offer_policy_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The policy PDF as the client received it (encrypted with the same password)."""
    offer = _get_offer_for_agent(request, pk)
    issued = get_object_or_404(Policy.objects.select_related("offer__package"), offer=offer)
    return file_download(policy.policy_pdf(issued), filename=policy.policy_filename(issued))


@agent_required
@require_GET
def agent_home(request: AuthenticatedRequest) -> HttpResponse:
    return redirect("offers:list")
