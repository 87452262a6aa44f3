"""Pages of the SMS module. Every row is reached through the user's agency (404 otherwise)."""

import hmac
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import no_referrer
from accounts.downloads import csv_download

from . import csv_import, gsm7, selectors, services, topups
from .decorators import agency_required, request_user
from .fields import FIELDS, SAMPLE, sample_text
from .forms import (
    CsvImportForm,
    EmailLoginForm,
    InstalmentForm,
    MessageFilterForm,
    PersonForm,
    PolicyForm,
    RegistrationForm,
    RuleForm,
    ScheduleForm,
    SenderForm,
    SetPasswordForm,
    TemplateForm,
    TopUpForm,
    VehicleForm,
)
from .models import (
    Agency,
    DeliveryEvent,
    Instalment,
    InsuredPerson,
    LedgerEntry,
    Message,
    ReminderRule,
    StatusRefresh,
    Template,
)

logger = logging.getLogger(__name__)


def _agency(request: HttpRequest) -> Agency:
    return request.agency  # type: ignore[attr-defined,no-any-return]  # set by agency_required


def _get_template_for_agency(request: HttpRequest, pk: int) -> Template:
    return get_object_or_404(Template, pk=pk, agency=_agency(request))


def _get_person_for_agency(request: HttpRequest, pk: int) -> InsuredPerson:
    return get_object_or_404(InsuredPerson, pk=pk, agency=_agency(request))


def _get_instalment_for_agency(request: HttpRequest, person: InsuredPerson, pk: int) -> Instalment:
    return get_object_or_404(
        Instalment, pk=pk, policy__person=person, policy__agency=_agency(request)
    )


def _get_message_for_agency(request: HttpRequest, pk: int) -> Message:
    return get_object_or_404(Message, pk=pk, agency=_agency(request))


# Registration and login -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agency = services.agency_register(data=form.registration())
        request.session["sms:registered"] = agency.organisation.email
        return redirect("sms:registered")
    return render(request, "sms/register.html", {"form": form})


@require_GET
def registered(request: HttpRequest) -> HttpResponse:
    return render(request, "sms/registered.html", {"email": request.session.get("sms:registered")})


@never_cache
@no_referrer
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, token: str) -> HttpResponse:
    activation = services.activation_find(token)
    if activation is None:
        return render(request, "sms/activation_invalid.html", status=404)
    form = SetPasswordForm(activation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activation_complete(token=token, password=form.cleaned_data["password1"])
        except services.SmsError as error:
            form.add_error(None, error.message)
        else:
            flash.success(request, _("Hasło ustawione. Zaloguj się adresem e-mail i hasłem."))
            return redirect("sms:login")
    return render(request, "sms/activate.html", {"form": form, "user_email": activation.user.email})


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "sms/login.html"
    redirect_authenticated_user = False
    next_page = "sms:home"

    def get_default_redirect_url(self) -> str:
        return reverse("sms:home")


login = LoginView.as_view()


# Home and configuration -------------------------------------------------------------


@agency_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    context = {
        "agency": agency,
        "balance": services.agency_balance(agency),
        "templates": agency.templates.count(),
        "persons": agency.persons.count(),
    }
    return render(request, "sms/home.html", context)


@agency_required
@require_http_methods(["GET", "POST"])
def configuration(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    preset = agency.sender_name if agency.sender_state == Agency.SenderState.PRESET else ""
    own = agency.sender_name if not preset else ""
    form = SenderForm(
        request.POST if "sender" in request.POST else None,
        initial={"preset": preset, "own": own, "agent_phone": agency.agent_phone},
    )
    schedule = ScheduleForm(
        request.POST if "schedule" in request.POST else None,
        initial={
            "reminder_hour": agency.reminder_hour,
            "window_start": agency.window_start,
            "window_end": agency.window_end,
        },
    )
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            services.sender_name_choose(agency=agency, name=form.chosen())
            services.agency_settings_update(
                agency=agency, agent_phone=form.cleaned_data["agent_phone"]
            )
        except services.SmsError as error:
            form.add_error("own", error.message)
        else:
            flash.success(request, _("Zapisano konfigurację konta."))
            return redirect("sms:configuration")
    if request.method == "POST" and schedule.is_bound and schedule.is_valid():
        services.agency_settings_update(agency=agency, **schedule.cleaned_data)
        flash.success(request, _("Zapisano godziny wysyłki."))
        return redirect("sms:configuration")
    context = {
        "agency": agency,
        "form": form,
        "schedule": schedule,
        "own_insurers": list(agency.own_insurers.all()),
    }
    return render(request, "sms/configuration.html", context)


# Templates --------------------------------------------------------------------------


@agency_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    templates = Template.objects.filter(agency=_agency(request))
    return render(request, "sms/template_list.html", {"templates": templates})


def _editor_context(form: TemplateForm, template: Template | None) -> dict[str, Any]:
    text = form["text"].value() or ""
    return {
        "form": form,
        "template": template,
        "fields": FIELDS,
        "sample": SAMPLE,
        "offenders": gsm7.offenders(text),
        "server_count": {
            "chars": gsm7.length(sample_text(text)),
            "parts": gsm7.parts(sample_text(text)),
        },
        "price": services.price_per_part(),
        "extension": gsm7.EXTENSION,
        "basic": gsm7.BASIC,
    }


@agency_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template = _get_template_for_agency(request, pk) if pk else None
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        saved = services.template_save(agency=_agency(request), form=form)
        flash.success(request, _("Zapisano wzór „%(name)s”.") % {"name": saved.name})
        return redirect("sms:template-edit", pk=saved.pk)
    return render(request, "sms/template_form.html", _editor_context(form, template))


@agency_required
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = _get_template_for_agency(request, pk)
    template.delete()
    flash.success(request, _("Usunięto wzór."))
    return redirect("sms:templates")


@agency_required
@require_GET
def template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    template = _get_template_for_agency(request, pk)
    agency = _agency(request)
    targets = selectors.targets_matching(agency, template.kind, timezone.localdate())[:20]
    preview = services.send_prepare(agency=agency, template=template, targets=targets)
    return render(request, "sms/template_preview.html", {"template": template, "preview": preview})


# The insured base -------------------------------------------------------------------


@agency_required
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    persons = InsuredPerson.objects.filter(agency=_agency(request))
    if query:
        persons = persons.filter(last_name__icontains=query) | persons.filter(
            phone__contains=query.replace(" ", "")
        )
    page = Paginator(persons.order_by("last_name", "first_name", "pk"), 50).get_page(
        request.GET.get("strona")
    )
    context = {"page": page, "q": query}
    return render(request, "sms/person_list.html", context)


@agency_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    person = _get_person_for_agency(request, pk) if pk else None
    form = PersonForm(request.POST or None, instance=person, prefix="p")
    if request.method == "POST" and form.is_valid():
        person = services.person_save(agency=_agency(request), form=form)
        flash.success(request, _("Zapisano dane ubezpieczonego."))
        return redirect("sms:person-edit", pk=person.pk)
    return render(request, "sms/person_form.html", _person_context(form, person))


def _person_context(
    form: PersonForm, person: InsuredPerson | None, **forms: object
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "form": form,
        "person": person,
        "policy_form": PolicyForm(prefix="pol"),
        "vehicle_form": VehicleForm(prefix="veh"),
    }
    if person is not None:
        context["instalment_form"] = InstalmentForm(prefix="rat", person=person)
        context["instalments"] = Instalment.objects.filter(policy__person=person).select_related(
            "policy"
        )
    return {**context, **forms}


@agency_required
@require_POST
def person_add_policy(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_agency(request, pk)
    form = PolicyForm(request.POST, prefix="pol")
    if form.is_valid():
        policy = form.save(commit=False)
        policy.person, policy.agency = person, person.agency
        try:
            services.policy_add(policy=policy)
        except services.SmsError as error:
            flash.error(request, error.message)
        else:
            flash.success(request, _("Dodano polisę."))
    else:
        flash.error(request, _("Polisa nie została dodana: %(e)s") % {"e": form.errors.as_text()})
    return redirect("sms:person-edit", pk=person.pk)


@agency_required
@require_POST
def person_add_vehicle(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_agency(request, pk)
    form = VehicleForm(request.POST, prefix="veh")
    if form.is_valid():
        vehicle = form.save(commit=False)
        vehicle.person, vehicle.agency = person, person.agency
        vehicle.save()
        flash.success(request, _("Dodano pojazd."))
    else:
        flash.error(request, _("Pojazd nie został dodany: %(e)s") % {"e": form.errors.as_text()})
    return redirect("sms:person-edit", pk=person.pk)


@agency_required
@require_POST
def person_add_instalment(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_agency(request, pk)
    form = InstalmentForm(request.POST, prefix="rat", person=person)
    if form.is_valid():
        services.instalment_save(person=person, form=form)
        flash.success(request, _("Dodano ratę."))
        return redirect("sms:person-edit", pk=person.pk)
    flash.error(request, _("Rata nie została dodana: popraw zaznaczone pola."))
    context = _person_context(PersonForm(instance=person, prefix="p"), person, instalment_form=form)
    return render(request, "sms/person_form.html", context)


@agency_required
@require_http_methods(["GET", "POST"])
def instalment_edit(request: HttpRequest, pk: int, instalment_pk: int) -> HttpResponse:
    person = _get_person_for_agency(request, pk)
    instalment = _get_instalment_for_agency(request, person, instalment_pk)
    form = InstalmentForm(request.POST or None, instance=instalment, person=person)
    if request.method == "POST" and form.is_valid():
        services.instalment_save(person=person, form=form)
        flash.success(request, _("Zapisano ratę."))
        return redirect("sms:person-edit", pk=person.pk)
    context = {"form": form, "person": person, "instalment": instalment}
    return render(request, "sms/instalment_form.html", context)


@agency_required
@require_POST
def instalment_delete(request: HttpRequest, pk: int, instalment_pk: int) -> HttpResponse:
    person = _get_person_for_agency(request, pk)
    instalment = _get_instalment_for_agency(request, person, instalment_pk)
    services.instalment_delete(instalment=instalment)
    flash.success(request, _("Usunięto ratę."))
    return redirect("sms:person-edit", pk=person.pk)


@agency_required
@require_POST
def person_opt_out(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_agency(request, pk)
    services.person_opt_out(person=person, opted_out="restore" not in request.POST)
    return redirect("sms:person-edit", pk=person.pk)


@agency_required
@require_http_methods(["GET", "POST"])
def person_import(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = csv_import.import_preview(agency=agency, upload=form.cleaned_data["file"])
        return redirect("sms:person-import-preview", pk=batch.pk)
    return render(request, "sms/person_import.html", {"form": form})


def _get_import_for_agency(request: HttpRequest, pk: int) -> csv_import.ImportBatch:
    # The rows stay in the database until a page shows them: a poll reads only the counts.
    batches = csv_import.ImportBatch.objects.defer("rows", "errors")
    return get_object_or_404(batches, pk=pk, agency=_agency(request))


@agency_required
@require_http_methods(["GET", "POST"])
def person_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_import_for_agency(request, pk)
    if request.method == "POST":
        try:
            csv_import.import_start(batch=batch)
        except services.SmsError as error:
            flash.error(request, error.message)
        return redirect("sms:person-import-preview", pk=batch.pk)
    progress = csv_import.import_progress(batch)
    context: dict[str, Any] = {"batch": batch, "progress": progress}
    if not batch.is_working:
        context["errors"] = batch.errors[:500]
    return render(request, "sms/person_import_preview.html", context)


@agency_required
@require_GET
def person_import_status(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_import_for_agency(request, pk)
    return JsonResponse(csv_import.import_progress(batch).as_json())


# Sending ----------------------------------------------------------------------------


def _send_inputs(request: HttpRequest) -> tuple[Template, list[int], str]:
    agency = _agency(request)
    try:
        template_id = int(request.POST.get("template") or request.GET.get("template") or 0)
    except ValueError:
        raise Http404 from None
    template = get_object_or_404(Template, pk=template_id, agency=agency)
    mode = request.POST.get("mode", "matching")
    ids = [int(v) for v in request.POST.getlist("person") if v.isdigit()]
    return template, ids, mode


def _preview_for(request: HttpRequest, template: Template, ids: list[int], mode: str) -> Any:
    agency = _agency(request)
    today = timezone.localdate()
    if mode == "persons":
        targets = selectors.targets_for_persons(agency, template.kind, ids, today)
    else:
        targets = selectors.targets_matching(agency, template.kind, today)
    return services.send_prepare(agency=agency, template=template, targets=targets, on=today)


@agency_required
@require_GET
def send_start(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    context = {
        "templates": Template.objects.filter(agency=agency),
        "persons": InsuredPerson.objects.filter(agency=agency).order_by("last_name")[:500],
        "chosen": request.GET.getlist("person"),
        "balance": services.agency_balance(agency),
    }
    return render(request, "sms/send_start.html", context)


@agency_required
@require_POST
def send_preview(request: HttpRequest) -> HttpResponse:
    template, ids, mode = _send_inputs(request)
    preview = _preview_for(request, template, ids, mode)
    balance = services.agency_balance(_agency(request))
    context = {
        "template": template,
        "preview": preview,
        "ids": ids,
        "mode": mode,
        "balance": balance,
        "missing": max(preview.cost - balance, Decimal("0")),
        "shown": preview.messages[:200],
    }
    return render(request, "sms/send_preview.html", context)


@agency_required
@require_POST
def send_confirm(request: HttpRequest) -> HttpResponseBase:
    template, ids, mode = _send_inputs(request)
    preview = _preview_for(request, template, ids, mode)
    if request.POST.get("cost") != str(preview.cost):
        flash.warning(request, _("Dane zmieniły się od podglądu: sprawdź go jeszcze raz."))
        return send_preview(request)
    try:
        sent = services.sms_send(agency=_agency(request), preview=preview, by=request_user(request))
    except services.SmsError as error:
        flash.error(request, error.message)
        return send_preview(request)
    flash.success(
        request,
        _("Zlecono %(n)s SMS; pobrano %(cost)s zł.")
        % {"n": len(sent), "cost": f"{preview.cost:.2f}".replace(".", ",")},
    )
    return redirect("sms:messages")


# Messages ---------------------------------------------------------------------------


def _filtered_messages(request: HttpRequest) -> tuple[MessageFilterForm, Any]:
    agency = _agency(request)
    templates = list(Template.objects.filter(agency=agency).values_list("pk", "name"))
    form = MessageFilterForm(request.GET or None, templates=templates)
    messages = selectors.messages_of(agency)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        messages = selectors.filter_messages(
            messages,
            status=data["status"],
            date_from=data["od"],
            date_to=data["do"],
            template_id=data["wzor"],
            recipient=data["odbiorca"],
        )
    return form, messages


@agency_required
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    form, messages = _filtered_messages(request)
    page = selectors.KeysetPage.of(
        messages.values_list(*selectors.MESSAGE_ROW),
        after=request.GET.get("po"),
        before=request.GET.get("przed"),
        number=request.GET.get("strona"),
    )
    query = request.GET.copy()
    for paging in ("po", "przed", "strona"):
        query.pop(paging, None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    context = {
        "form": form,
        "filters": {
            "status": data.get("status", ""),
            "od": data.get("od") or "",
            "do": data.get("do") or "",
            "wzor": data.get("wzor") or "",
            "odbiorca": data.get("odbiorca", ""),
        },
        "page": page,
        "rows": selectors.message_rows(
            page.rows,
            templates=form.template_names,
            detail_base=reverse("sms:messages"),
        ),
        "query": query.urlencode(),
    }
    return render(request, "sms/message_list.html", context)


def _csv_rows(messages: Any) -> Iterator[list[object]]:
    yield [
        _("Nr"),
        _("Zlecono"),
        _("Odbiorca"),
        _("Numer"),
        _("Wzór"),
        _("Treść"),
        _("Części"),
        _("Koszt"),
        _("Stan"),
        _("Przyczyna błędu"),
    ]
    for m in messages.select_related("template").order_by("-queued_at", "-pk").iterator(2000):
        yield [
            m.pk,
            timezone.localtime(m.queued_at).strftime("%Y-%m-%d %H:%M"),
            m.recipient_name,
            m.recipient,
            m.template.name if m.template else "",
            m.text,
            m.parts,
            f"{m.cost:.2f}".replace(".", ","),
            m.get_status_display(),
            m.failure_reason,
        ]


@agency_required
@require_GET
def message_list_csv(request: HttpRequest) -> StreamingHttpResponse:
    _form, messages = _filtered_messages(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_download(_csv_rows(messages), filename=f"sms-{stamp}.csv")


@agency_required
@require_GET
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = _get_message_for_agency(request, pk)
    events = DeliveryEvent.objects.filter(message=message)
    return render(request, "sms/message_detail.html", {"message": message, "events": events})


@agency_required
@require_POST
def message_refresh(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    ids = [int(v) for v in request.POST.getlist("message") if v.isdigit()][:5000]
    chosen = list(Message.objects.filter(agency=agency, pk__in=ids).only("pk", "gateway_id"))
    if not chosen:
        flash.warning(request, _("Zaznacz wiadomości, których stan chcesz odświeżyć."))
        return redirect("sms:messages")
    refresh = services.status_refresh_start(agency=agency, messages=chosen)
    return redirect("sms:refresh", pk=refresh.pk)


@agency_required
@require_GET
def refresh_progress(request: HttpRequest, pk: int) -> HttpResponse:
    refresh = get_object_or_404(StatusRefresh, pk=pk, agency=_agency(request))
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {"done": refresh.done, "total": refresh.total, "finished": bool(refresh.finished_at)}
        )
    return render(request, "sms/refresh.html", {"refresh": refresh})


# Account ----------------------------------------------------------------------------


@agency_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    today = timezone.localdate()
    ledger = Paginator(LedgerEntry.objects.filter(agency=agency), 30).get_page(
        request.GET.get("strona")
    )
    days = selectors.last_30_days(agency, today)
    context = {
        "agency": agency,
        "balance": services.agency_balance(agency),
        "ledger": ledger,
        "chart": selectors.chart_svg(days),
        "days": days,
        "invoices": topups.invoices_of(agency),
        "form": TopUpForm(),
        "bank_account": settings.SMS_BANK_ACCOUNT,
        "bank_recipient": settings.SMS_BANK_RECIPIENT,
        "price": services.price_per_part(),
    }
    return render(request, "sms/account.html", context)


@agency_required
@require_POST
def topup_online(request: HttpRequest) -> HttpResponse:
    form = TopUpForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Podaj kwotę doładowania od 10 do 50 000 zł."))
        return redirect("sms:account")
    try:
        redirect_url = topups.topup_start_online(
            agency=_agency(request),
            amount=form.cleaned_data["amount"],
            user=request_user(request),
        )
    except services.SmsError as error:
        flash.error(request, error.message)
        return redirect("sms:account")
    response = HttpResponseRedirect(redirect_url)
    response.status_code = 303  # the payment page is a new page, not this form again
    return response


@agency_required
@require_GET
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    return topups.invoice_pdf_response(agency=_agency(request), pk=pk)


# Reminder rules ---------------------------------------------------------------------


@agency_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    form = RuleForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        services.rule_save(
            agency=agency,
            template=form.cleaned_data["template"],
            days_ahead=form.cleaned_data["days_ahead"],
            enabled=form.cleaned_data["enabled"],
        )
        flash.success(request, _("Zapisano regułę przypomnień."))
        return redirect("sms:rules")
    existing = ReminderRule.objects.filter(agency=agency).select_related("template")
    return render(request, "sms/rules.html", {"form": form, "rules": existing, "agency": agency})


# The gateway's delivery reports -----------------------------------------------------


@require_GET
def delivery_report(request: HttpRequest, secret: str) -> HttpResponse:
    """SMSAPI's callback: GET with MsgId, status (comma-separated for many); answer "OK"."""
    if not settings.SMS_REPORT_SECRET or not hmac.compare_digest(
        secret.encode(), settings.SMS_REPORT_SECRET.encode()
    ):
        raise Http404
    from notifications.gateways.smsapi import report_status

    ids = request.GET.get("MsgId", "").split(",")
    codes = request.GET.get("status", "").split(",")
    names = request.GET.get("status_name", "").split(",")
    dones = request.GET.get("donedate", "").split(",")
    idxs = request.GET.get("idx", "").split(",")
    for index, gateway_id in enumerate(ids):
        if not gateway_id:
            continue
        code = codes[index] if index < len(codes) else ""
        idx = idxs[index] if index < len(idxs) else ""
        message = services.message_for_report(gateway_id=gateway_id, idx=idx)
        if message is None:
            logger.warning("sms: report for unknown message %s", gateway_id)
            continue
        done = dones[index] if index < len(dones) else ""
        at = datetime.fromtimestamp(int(done), tz=UTC) if done.isdigit() else None
        services.message_status_apply(
            message=message,
            status=report_status(code),
            source=DeliveryEvent.Source.CALLBACK,
            detail=names[index] if index < len(names) else code,
            raw={k: v for k, v in request.GET.items()},
            at=at,
        )
    return HttpResponse("OK", content_type="text/plain")
