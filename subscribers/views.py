"""Idea24 on-line: the subscriber's pages.

Every page goes through `subscriber_required`, which finds the signed-in
user's account and the number being looked at (always among the account's own
numbers), and gives the side panel. Every change also goes through
`code_required`: the subscriber code, once per session. Ids in URLs are
looked up only among the account's own rows, so another account's id is 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import locked_message
from accounts.roles import Role
from payments.models import Payment
from payments.providers.base import ProviderError
from payments.services import PaymentStartError, payment_start

from . import auth, billing, payables, selectors, services
from .forms import (
    AddressForm,
    CaseForm,
    CodeForm,
    CompletionForm,
    NumbersForm,
    PasswordForm,
    PaymentFormForm,
    PhoneForm,
    ProfitJoinForm,
    TariffChoiceForm,
    tariff_choices,
)
from .models import (
    ActiveService,
    Case,
    Contract,
    Invoice,
    Order,
    ProfitTransaction,
    Service,
    SubscriberAccount,
)

View = Callable[..., HttpResponse]


@dataclass
class Subscriber:
    account: SubscriberAccount
    contract: Contract
    contracts: list[Contract]
    account_numbers: int = 1  # every active number of the account, shown here or not


# Login --------------------------------------------------------------------------


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone number. The answer is the same for any well-formed number."""
    form = PhoneForm(request.POST or None, initial={"phone": ""})
    if request.method == "POST" and form.is_valid():
        msisdn = form.cleaned_data["phone"]
        try:
            auth.sms_password_send(request=request, msisdn=msisdn)
        except auth.Locked as locked:
            form.add_error(
                None,
                _(
                    "Nowe hasło można otrzymać raz na minutę i najwyżej 5 razy w ciągu godziny. "
                    "Spróbuj ponownie za %(minutes)d min."
                )
                % {"minutes": locked.decision.retry_after_minutes},
            )
            if request.session.get(auth.SESSION_PHONE) == msisdn:
                form.add_error(None, _("Możesz też wpisać hasło, które już otrzymałeś."))
        else:
            request.session[auth.SESSION_PHONE] = msisdn
            return redirect("subscribers:login-password")
    return _no_store(render(request, "subscribers/login.html", {"form": form}))


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_password(request: HttpRequest) -> HttpResponse:
    """Step 2: the temporary password from the SMS."""
    msisdn = request.session.get(auth.SESSION_PHONE)
    if not msisdn:
        return redirect("subscribers:login")
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passed = auth.sms_password_verify(
                request=request, msisdn=msisdn, token=form.cleaned_data["password"]
            )
        except auth.Locked as locked:
            form.add_error(None, locked_message(locked.decision))
        else:
            if passed is None:
                form.add_error(
                    "password",
                    _(
                        "Hasło jest nieprawidłowe albo wygasło. Hasło jest ważne 5 minut "
                        "i można je wpisać najwyżej 5 razy; w razie potrzeby poproś o nowe."
                    ),
                )
            else:
                try:
                    auth.complete_login(request, passed.contract, passed.device)
                except PermissionError:
                    form.add_error(
                        None,
                        _(
                            "Z tym numerem nie można zalogować się do Idea24 on-line. "
                            "Skontaktuj się z Biurem Obsługi Klienta."
                        ),
                    )
                else:
                    return redirect("subscribers:home")
    context = {"form": form, "phone": Contract(msisdn=msisdn).display_msisdn}
    return _no_store(render(request, "subscribers/login_password.html", context))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("subscribers:login")


# Access -------------------------------------------------------------------------


def _subscriber(request: HttpRequest) -> Subscriber | None:
    user = request.user
    login_state = request.session.get(auth.SESSION_LOGIN)
    if not auth.sms_verified(request) or not login_state or not user.is_authenticated:
        return None
    if not user.has_role(Role.SUBSCRIBER):
        return None
    contracts = selectors.contracts_with_panel(user_id=user.pk, today=timezone.localdate())
    if not contracts:
        return None
    by_id = {c.pk: c for c in contracts}
    logged = by_id.get(login_state["contract"])
    if logged is None:
        return None
    account = logged.account
    # A business account moves between its numbers; an individual sees the one logged in.
    visible = contracts if account.is_business else [logged]
    chosen: int = request.session.get(auth.SESSION_CONTRACT, logged.pk)
    current = by_id.get(chosen, logged)
    if current not in visible:
        current = logged
    numbers = sum(1 for c in contracts if c.account_id == account.pk)
    return Subscriber(account=account, contract=current, contracts=visible, account_numbers=numbers)


def subscriber_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sub = _subscriber(request)
        if sub is None:
            return redirect("subscribers:login")
        request.sub = sub  # type: ignore[attr-defined]  # request.sub is set by subscriber_required
        return view(request, *args, **kwargs)

    return wrapped


def _ask_for_code(request: HttpRequest, message: str, *, whole_account: bool) -> HttpResponse:
    """To the code page, and back to this page (a GET) once the code is given."""
    messages.info(request, message)
    query = ["zakres=konto"] if whole_account else []
    if request.method == "GET":
        query.append(f"next={request.get_full_path()}")
    url = reverse("subscribers:code")
    return redirect(f"{url}?{'&'.join(query)}" if query else url)


def code_required(view: View) -> View:
    """Changes need the subscriber code: ask for it once per session, then come back."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not auth.code_verified(request, request.sub.contract):  # type: ignore[attr-defined]  # set by subscriber_required
            message = _("Ta zmiana wymaga podania kodu abonenckiego.")
            return _ask_for_code(request, message, whole_account=False)
        return view(request, *args, **kwargs)

    return subscriber_required(wrapped)


def account_code_required(view: View) -> View:
    """Changes to the whole account (its address, payment form, Profit) need the code that
    covers every number: the account's code, unless the account has only this number."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
        if not auth.account_code_verified(request, sub.contract, sub.account_numbers):
            message = _(
                "Ta zmiana dotyczy całego konta i wszystkich jego numerów: "
                "podaj kod abonencki dla konta."
            )
            return _ask_for_code(request, message, whole_account=True)
        return view(request, *args, **kwargs)

    return subscriber_required(wrapped)


def _panel(sub: Subscriber) -> dict[str, Any]:
    start, end = sub.account.period_containing(timezone.localdate())
    contract: Any = sub.contract
    usage = None
    if contract.usage_start == start:
        usage = {
            "minutes_used": contract.usage_minutes,
            "sms_used": contract.usage_sms,
            "data_mb_used": contract.usage_data,
        }
    last_invoice = None
    if contract.last_number is not None:
        last_invoice = {
            "number": contract.last_number,
            "gross_total": contract.last_gross,
            "is_paid": contract.last_paid_at is not None,
        }
    return {"sub": sub, "period": (start, end), "usage": usage, "last_invoice": last_invoice}


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    sub = request.sub  # type: ignore[attr-defined]  # request.sub is set by subscriber_required
    panel = _panel(sub)
    panel["code_ok"] = auth.code_verified(request, sub.contract)
    return _no_store(render(request, template, {**panel, **context}))


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("subscribers:home")


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@subscriber_required
def code(request: HttpRequest) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    whole_account = (request.POST.get("zakres") or request.GET.get("zakres")) == "konto"
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ok = auth.code_verify(request, sub.contract, form.cleaned_data["code"])
        except auth.Locked as locked:
            form.add_error(
                None,
                _(
                    "Po 5 błędnych kodach wpisywanie kodu jest zablokowane. "
                    "Spróbuj ponownie za %(minutes)d min."
                )
                % {"minutes": locked.decision.retry_after_minutes},
            )
        else:
            if (
                ok
                and whole_account
                and not auth.account_code_verified(request, sub.contract, sub.account_numbers)
            ):
                form.add_error(
                    "code",
                    _(
                        "Przyjęliśmy kod tego numeru, ale ta zmiana dotyczy całego konta: "
                        "podaj kod abonencki dla konta."
                    ),
                )
            elif ok:
                messages.success(request, _("Kod abonencki przyjęty."))
                return HttpResponseRedirect(next_url)
            else:
                form.add_error("code", _("Nieprawidłowy kod abonencki."))
    context = {"form": form, "next": next_url, "whole_account": whole_account}
    return _render(request, "subscribers/code.html", context)


@require_GET
def code_help(request: HttpRequest) -> HttpResponse:
    """Where the subscriber code comes from; readable before logging in too."""
    return render(request, "subscribers/code_help.html")


@require_POST
@subscriber_required
def switch_number(request: HttpRequest, pk: int) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    contract = next((c for c in sub.contracts if c.pk == pk), None)
    if contract is None:
        raise Http404
    request.session[auth.SESSION_CONTRACT] = contract.pk
    return HttpResponseRedirect(_safe_next(request, request.POST.get("next", "")))


# Main page and subscriber data --------------------------------------------------


@require_GET
@subscriber_required
def home(request: HttpRequest) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    summary = selectors.account_summary(sub.account)
    context = {
        "services_on": selectors.service_names_on(sub.contract),
        "open_cases": summary["open_cases"],
        "points": summary["points"],
        "unpaid": {"count": summary["unpaid_count"], "total": summary["unpaid_total"]},
    }
    return _render(request, "subscribers/home.html", context)


@require_GET
@subscriber_required
def data(request: HttpRequest) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    pending = sub.account.orders.filter(state__in=[Order.State.NEW, Order.State.WAITING])
    return _render(request, "subscribers/data.html", {"pending": list(pending[:10])})


@require_http_methods(["GET", "POST"])
@account_code_required
def address_change(request: HttpRequest) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    account = sub.account
    initial = {"street": account.street, "postal_code": account.postal_code, "city": account.city}
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.address_change(account=account, who=f"user:{request.user.pk}", **form.cleaned_data)
        messages.success(
            request, _("Adres korespondencyjny zmieniony. Następna faktura trafi pod nowy adres.")
        )
        return redirect("subscribers:data")
    return _render(request, "subscribers/address.html", {"form": form})


# Payments -----------------------------------------------------------------------


def _get_invoice_for_subscriber(request: HttpRequest, pk: int) -> Invoice:
    """The account's own invoice, or 404."""
    invoice = billing.invoice_with_items(request.sub.account, pk)  # type: ignore[attr-defined]  # set by subscriber_required
    if invoice is None:
        raise Http404
    return invoice


@require_GET
@subscriber_required
def payments(request: HttpRequest) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    since = timezone.localdate().replace(day=1)
    since = since.replace(year=since.year - 1)
    invoices = selectors.invoice_rows(sub.account, since=since)
    orders = sub.account.orders.filter(kind=Order.Kind.PAYMENT_FORM).order_by("-created_at")[:3]
    context = {
        "invoices": invoices,
        "payment_orders": list(orders),
        "latest": invoices[0] if invoices else None,
    }
    return _render(request, "subscribers/payments.html", context)


@require_GET
@subscriber_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _get_invoice_for_subscriber(request, pk)
    previous = billing.previous_invoice(invoice)
    lines = billing.invoice_compare(invoice, previous)
    context = {
        "invoice": invoice,
        "previous": previous,
        "lines": lines,
        "methods": Payment.Method.choices,
    }
    return _render(request, "subscribers/invoice.html", context)


@require_GET
@subscriber_required
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _get_invoice_for_subscriber(request, pk)
    response = HttpResponse(billing.invoice_pdf(invoice), content_type="application/pdf")
    name = invoice.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="faktura-{name}.pdf"'
    return _no_store(response)


@require_POST
@subscriber_required
def invoice_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Pay an unpaid invoice at the provider; it is marked paid only on its confirmation."""
    invoice = _get_invoice_for_subscriber(request, pk)
    method = request.POST.get("method", "")
    back = reverse("subscribers:invoice", args=[invoice.pk])
    if invoice.is_paid:
        messages.info(request, _("Ta faktura jest już zapłacona."))
        return redirect(back)
    if method not in Payment.Method.values:
        messages.error(request, _("Wybierz sposób płatności: BLIK, przelew albo kartę."))
        return redirect(back)
    try:
        _payment, url = payment_start(
            payable_type=payables.PAYABLE_TYPE,
            payable_id=str(invoice.pk),
            amount=invoice.gross_total,
            description=f"Faktura {invoice.number}",
            customer_email=invoice.account.email,
            method=method,
            success_url=back,
            cancel_url=back,
        )
    except (PaymentStartError, ProviderError):
        messages.error(request, _("Nie udało się rozpocząć płatności. Spróbuj ponownie za chwilę."))
        return redirect(back)
    return HttpResponseRedirect(url, status=303)


@require_http_methods(["GET", "POST"])
@account_code_required
def payment_form_change(request: HttpRequest) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    form = PaymentFormForm(request.POST or None, initial={"email": sub.account.email})
    if request.method == "POST" and form.is_valid():
        try:
            order = services.payment_form_request(
                account=sub.account,
                payment_form=form.cleaned_data["payment_form"],
                email=form.cleaned_data.get("email", ""),
                bank_account=form.cleaned_data.get("bank_account", ""),
            )
        except services.SubscriberError as refused:
            form.add_error("payment_form", refused.message)
        else:
            return redirect("subscribers:payment-form-sent", pk=order.pk)
    return _render(request, "subscribers/payment_form.html", {"form": form})


def _get_order_for_subscriber(request: HttpRequest, pk: int, kind: str) -> Order:
    return get_object_or_404(Order, pk=pk, kind=kind, account=request.sub.account)  # type: ignore[attr-defined]  # set by subscriber_required


@require_GET
@subscriber_required
def payment_form_sent(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order_for_subscriber(request, pk, Order.Kind.PAYMENT_FORM)
    context = {"order": order, "address": billing.CORRESPONDENCE_ADDRESS}
    return _render(request, "subscribers/payment_form_sent.html", context)


@require_GET
@subscriber_required
def payment_form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order_for_subscriber(request, pk, Order.Kind.PAYMENT_FORM)
    response = HttpResponse(billing.payment_form_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="zmiana-formy-platnosci-{pk}.pdf"'
    return _no_store(response)


@require_GET
@subscriber_required
def tariff(request: HttpRequest) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    current = sub.contract.tariff
    plans = [
        (plan, plan.monthly_fee - current.monthly_fee, plan.minutes - current.minutes)
        for plan in tariff_choices(sub.contract)
    ]
    return _render(request, "subscribers/tariff.html", {"plans": plans})


@require_http_methods(["GET", "POST"])
@code_required
def tariff_change(request: HttpRequest, code: str) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    plan = next((p for p in tariff_choices(sub.contract) if p.code == code), None)
    if plan is None:
        raise Http404
    form = TariffChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tariff_change(contract=sub.contract, tariff=plan)
        except services.SubscriberError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Zmiana taryfy przyjęta."))
        return redirect("subscribers:tariff")
    today = timezone.localdate()
    context = {
        "plan": plan,
        "form": form,
        "effective": services.next_period_start(sub.account, today),
        "preview": billing.next_invoice_preview(
            sub.account, today, tariff_for={sub.contract.pk: plan}
        ),
        "current": billing.next_invoice_preview(sub.account, today),
    }
    return _render(request, "subscribers/tariff_change.html", context)


# Services -----------------------------------------------------------------------


def _get_service(slug: str) -> Service:
    return get_object_or_404(Service, slug=slug, available=True)


def _active_on(contract: Contract, service: Service) -> ActiveService | None:
    return ActiveService.objects.filter(
        contract=contract, service=service, active_until__isnull=True
    ).first()


@require_GET
@subscriber_required
def service_list(request: HttpRequest) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    active = {
        a.service_id: a
        for a in ActiveService.objects.filter(contract=sub.contract).filter(
            Q(active_until__isnull=True) | Q(active_until__gte=timezone.localdate())
        )
    }
    catalogue = [(s, active.get(s.pk)) for s in Service.objects.filter(available=True)]
    return _render(request, "subscribers/services.html", {"catalogue": catalogue})


@require_GET
@subscriber_required
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    service = _get_service(slug)
    context = {"service": service, "active": _active_on(sub.contract, service)}
    return _render(request, "subscribers/service.html", context)


def _own_numbers(sub: Subscriber) -> set[str]:
    return set(sub.account.contracts.values_list("msisdn", flat=True))


@require_http_methods(["GET", "POST"])
@code_required
def service_activate(request: HttpRequest, slug: str) -> HttpResponse:
    """GET shows the fee and the date; POST (with the numbers, if any) switches it on."""
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    service = _get_service(slug)
    if _active_on(sub.contract, service) is not None:
        return redirect("subscribers:service", slug=slug)
    form = NumbersForm(request.POST or None, slots=service.number_slots, own=_own_numbers(sub))
    if request.method == "POST" and form.is_valid() and request.POST.get("confirm"):
        try:
            services.service_activate(
                contract=sub.contract, service=service, numbers=form.numbers()
            )
        except services.SubscriberError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Usługa %(name)s włączona.") % {"name": service.name})
        return redirect("subscribers:service", slug=slug)
    context = {"service": service, "form": form, "today": timezone.localdate()}
    return _render(request, "subscribers/service_activate.html", context)


@require_http_methods(["GET", "POST"])
@code_required
def service_deactivate(request: HttpRequest, slug: str) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    service = _get_service(slug)
    if _active_on(sub.contract, service) is None:
        return redirect("subscribers:service", slug=slug)
    if request.method == "POST":
        try:
            services.service_deactivate(contract=sub.contract, service=service)
        except services.SubscriberError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Usługa zostanie wyłączona z końcem okresu."))
        return redirect("subscribers:service", slug=slug)
    _start, end = sub.account.period_containing(timezone.localdate())
    context = {"service": service, "until": end}
    return _render(request, "subscribers/service_deactivate.html", context)


@require_http_methods(["GET", "POST"])
@code_required
def service_numbers(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit the favourite numbers; the fee of the change is shown before confirming."""
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    service = _get_service(slug)
    active = _active_on(sub.contract, service)
    if active is None or not service.number_slots:
        return redirect("subscribers:service", slug=slug)
    initial = {f"number_{i}": n[2:] for i, n in enumerate(active.numbers)}
    form = NumbersForm(
        request.POST or None, initial=initial, slots=service.number_slots, own=_own_numbers(sub)
    )
    if request.method == "POST" and form.is_valid() and request.POST.get("confirm"):
        try:
            services.service_numbers_change(
                contract=sub.contract, service=service, numbers=form.numbers()
            )
        except services.SubscriberError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Numery zmienione."))
            return redirect("subscribers:service", slug=slug)
    confirming = request.method == "POST" and form.is_valid()
    context = {"service": service, "form": form, "active": active, "confirming": confirming}
    return _render(request, "subscribers/service_numbers.html", context)


# Contact with customer service --------------------------------------------------


def _get_case_for_subscriber(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(Case, pk=pk, account=request.sub.account)  # type: ignore[attr-defined]  # set by subscriber_required


@require_GET
@subscriber_required
def case_list(request: HttpRequest) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    cases = list(sub.account.cases.order_by("-filed_at")[:50])
    today = timezone.localdate()
    rows = [(case, case.days_left(today)) for case in cases]
    return _render(request, "subscribers/cases.html", {"rows": rows})


def _invoice_choices(sub: Subscriber) -> list[tuple[str, str]]:
    return [
        (str(i.pk), f"{i.number} ({i.period_start:%d.%m.%Y}–{i.period_end:%d.%m.%Y})")
        for i in sub.account.invoices.order_by("-period_start")[:36]
    ]


@require_http_methods(["GET", "POST"])
@code_required
def case_new(request: HttpRequest) -> HttpResponse:
    """Zlecenie or Reklamacja, then a type, then the type's form; "Wyślij"."""
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    category = request.GET.get("rodzaj", "")
    kind = services.case_type(category, request.GET.get("typ", ""))
    context: dict[str, Any] = {
        "categories": Case.Category.choices,
        "category": category if category in Case.Category.values else "",
        "types": services.CASE_TYPES.get(category, ()),
        "kind": kind,
    }
    if kind is not None:
        form = CaseForm(
            request.POST or None,
            extra=kind.fields,
            invoices=_invoice_choices(sub),
            complaint=category == Case.Category.COMPLAINT,
        )
        if request.method == "POST" and form.is_valid():
            case = _case_file(sub, category, kind, form.cleaned_data)
            return redirect("subscribers:case", pk=case.pk)
        context["form"] = form
    return _render(request, "subscribers/case_new.html", context)


def _case_file(sub: Subscriber, category: str, kind: services.CaseType, data: dict) -> Case:
    invoice = None
    if data.get("invoice"):
        invoice = sub.account.invoices.filter(pk=int(data["invoice"])).first()
    fields = {name: str(data[name]) for name in kind.fields if data.get(name) not in (None, "")}
    if invoice is not None:
        fields["invoice"] = invoice.number
    return services.case_file(
        account=sub.account,
        contract=sub.contract,
        category=category,
        kind=kind,
        fields=fields,
        description=data["description"],
        delivery=data.get("delivery") or Case.Delivery.EMAIL,
        invoice=invoice,
    )


@require_http_methods(["GET", "POST"])
@subscriber_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case_for_subscriber(request, pk)
    form = CompletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not auth.code_verified(request, request.sub.contract):  # type: ignore[attr-defined]  # set by subscriber_required
            return redirect(f"{reverse('subscribers:code')}?next={request.path}")
        try:
            services.case_complete(case=case, addition=form.cleaned_data["addition"])
        except services.SubscriberError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Reklamacja uzupełniona. Zachowuje pierwotną datę."))
            return redirect("subscribers:case", pk=case.pk)
    today = timezone.localdate()
    context = {
        "case": case,
        "days_left": case.days_left(today),
        "form": form,
        "today": today,
        **_case_letters(case),
    }
    return _render(request, "subscribers/case.html", context)


def _case_letters(case: Case) -> dict[str, Any]:
    # The subscriber sees a letter once posted: the answer is given when it is sent.
    letters = list(case.letters.defer("pdf").order_by("pk"))
    return {
        "letters": [letter for letter in letters if letter.is_posted],
        "letter_pending": any(not letter.is_posted for letter in letters),
    }


@require_POST
@code_required
def case_resend(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case_for_subscriber(request, pk)
    try:
        case = services.case_resend_request(case=case)
    except services.SubscriberError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Doręczymy odpowiedź ponownie najpóźniej %(day)s.")
            % {"day": case.resend_due_on.strftime("%d.%m.%Y")},  # type: ignore[union-attr]  # case_resend_request() has just set it
        )
    return redirect("subscribers:case", pk=case.pk)


@require_GET
@subscriber_required
def case_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case_for_subscriber(request, pk)
    if not case.receipt_pdf:
        raise Http404
    response = HttpResponse(bytes(case.receipt_pdf), content_type="application/pdf")
    name = case.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="potwierdzenie-{name}.pdf"'
    return _no_store(response)


@require_GET
@subscriber_required
def case_letter(request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    """The letter as it was posted (the same PDF that went by post)."""
    case = _get_case_for_subscriber(request, pk)
    letter = get_object_or_404(case.letters, pk=letter_pk, posted_on__isnull=False)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
    return _no_store(response)


# Profit -------------------------------------------------------------------------


@require_GET
@subscriber_required
def profit(request: HttpRequest) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    transactions = list(sub.account.profit_transactions.order_by("-occurred_at", "-pk"))
    left = services.profit_remainders(transactions)
    expiring = _expiring(transactions, left)
    context = {
        "transactions": transactions,
        "balance": sum(t.points for t in transactions),
        "expiring": expiring,
        "form": ProfitJoinForm(),
        "consent_text": services.PROFIT_CONSENT,
    }
    return _render(request, "subscribers/profit.html", context)


def _expiring(transactions: list[ProfitTransaction], left: dict[int, int]) -> list[tuple]:
    closed = {t.expires_earning_id for t in transactions if t.expires_earning_id}
    return sorted(
        (t.expires_on, left[t.pk])
        for t in transactions
        if t.pk in left and left[t.pk] > 0 and t.pk not in closed
    )


@require_POST
@account_code_required
def profit_join(request: HttpRequest) -> HttpResponse:
    sub: Subscriber = request.sub  # type: ignore[attr-defined]  # set by subscriber_required
    form = ProfitJoinForm(request.POST)
    try:
        services.profit_join(account=sub.account, consent=form.is_valid())
    except services.SubscriberError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Witamy w Programie Profit!"))
    return redirect("subscribers:profit")
