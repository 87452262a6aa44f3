"""Every form of the portal refuses input longer than its column, in Polish, never with a 500.

The forms are found by importing every module of our apps; each one must have
an entry in CASES saying where it is posted and which model column each of its
text fields is stored in. A text field is posted one character over that
column's length (or over the form field's own limit when it has no column).
"""

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services as account_services
from accounts.forms import InvitationForm, InvitationSignupForm, PortalLoginForm
from accounts.models import Invitation, Membership, Organisation, User
from accounts.roles import Role
from accounts.views import OtpCodeForm
from offers import client_forms, services
from offers import forms as offer_forms
from offers.models import Offer
from payments.forms import SandboxPayForm
from payments.models import Payment
from subscribers import forms as subscriber_forms
from subscribers import services as subscriber_services
from subscribers.demo import load_catalogue
from subscribers.models import SubscriberAccount
from tests.conftest import make_user
from tests.offers.client.conftest import enter_new, ready_to_pay, send, start_payment
from tests.offers.conftest import PESEL, package, verified_client
from tests.subscribers.conftest import login_as, make_account

OUR_APPS = (
    "accounts",
    "notifications",
    "payments",
    "invoicing",
    "offers",
    "subscribers",
    "partners",
    "portal",
)
# A field without a column and without a limit of its own gets this much.
UNLIMITED = 5_000
POLISH = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")

Prepared = tuple[Client, str, dict[str, str]]


@dataclass(frozen=True)
class Case:
    prepare: Callable[[], Prepared]
    columns: dict[str, models.Field] = field(default_factory=dict)
    method: str = "post"


def _agent() -> User:
    return make_user("alice", Role.AGENT)


def _offer_data() -> dict[str, str]:
    return {
        "package": str(package("FM_T").pk),
        "protection_start": (services.local_today() + timedelta(days=20)).isoformat(),
        "holder_kind": "person",
        "holder_name": "Anna Kowalska",
        "holder_pesel": PESEL,
        "insured_same_as_holder": "on",
        "email": "anna@example.com",
        "mobile": "600 100 200",
        "email_consent": "on",
    }


def _offer_create() -> Prepared:
    return verified_client(_agent()), reverse("offers:create"), _offer_data()


def _offer_consent() -> Prepared:
    agent = _agent()
    offer = services.offer_create(
        agent=agent,
        details=services.OfferDetails(
            package=package("FM_T"),
            protection_start=services.local_today() + timedelta(days=20),
            holder_kind="person",
            holder_name="Anna Kowalska",
            holder_pesel=PESEL,
            email="anna@example.com",
            mobile="+48600100200",
            email_consent=False,
        ),
    )
    data = {
        "informed_on": services.local_today().isoformat(),
        "mobile": "600 100 200",
        "email": "anna@example.com",
        "generate_access_code": "on",
    }
    return verified_client(agent), reverse("offers:consent", args=[offer.pk]), data


def _offer_send() -> Prepared:
    agent = _agent()
    offer = services.offer_create(agent=agent, details=services.OfferDetails(**_details()))
    return verified_client(agent), reverse("offers:send-dms", args=[offer.pk]), {}


def _details() -> dict[str, object]:
    return {
        "package": package("FM_T"),
        "protection_start": services.local_today() + timedelta(days=20),
        "holder_kind": "person",
        "holder_name": "Anna Kowalska",
        "holder_pesel": PESEL,
        "email": "anna@example.com",
        "mobile": "+48600100200",
        "email_consent": True,
    }


def _offer_list() -> Prepared:
    return verified_client(_agent()), reverse("offers:list"), {"q": "Kowalska"}


def _portal_login() -> Prepared:
    make_user("alice")
    return Client(), reverse("accounts:login"), {"username": "alice", "password": "x"}


def _otp_code() -> Prepared:
    agent = _agent()
    TOTPDevice.objects.create(user=agent, name="telefon", confirmed=True)
    client = Client()
    response = client.post(
        reverse("offers:login"), {"username": "alice", "password": "alice-secret-pass"}
    )
    assert response["Location"] == reverse("offers:login-otp")
    return client, reverse("offers:login-otp"), {"code": "123456"}


def _client_access() -> Prepared:
    return Client(), reverse("offers:client-access"), {"email": "a@example.com", "code": "INTER1"}


def _client_pesel() -> Prepared:
    sent = send(_agent(), "FM_T")
    client = Client()
    client.get(sent.link)
    return client, reverse("offers:client-pesel"), {"pesel": PESEL}


def _client_password() -> Prepared:
    sent = send(_agent(), "POC_T")
    client = Client()
    client.get(sent.link)
    return client, reverse("offers:client-password"), {"password": "0274"}


def _client_unlocked() -> tuple[Client, object]:
    sent = send(_agent(), "FM_T")
    client = Client()
    enter_new(client, sent)
    return client, sent


def _client_consents() -> Prepared:
    client, _sent = _client_unlocked()
    return client, reverse("offers:client-consents"), {}


def _client_pay() -> Prepared:
    client, _sent = _client_unlocked()
    return client, reverse("offers:client-pay"), {"method": "blik"}


def _sandbox() -> Prepared:
    client, _sent = _client_unlocked()
    ready_to_pay(client)
    payment = start_payment(client)
    url = reverse("payments:sandbox", args=[payment.checkout_id])
    return client, url, {"method": Payment.Method.BLIK, "blik_code": "123456", "action": "pay"}


def _organisation(owner: User) -> Organisation:
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.SMS_AGENCY,
        name="Agencja Nowak",
        nip="7740001454",
        address="ul. Polna 1, 00-001 Warszawa",
    )
    Membership.objects.create(organisation=organisation, user=owner, role=Membership.Role.OWNER)
    return organisation


def _invite() -> Prepared:
    owner = make_user("alice")
    organisation = _organisation(owner)
    client = Client()
    client.force_login(owner)
    url = reverse("organisations:invite", args=[organisation.pk])
    return client, url, {"email": "bob@example.com", "role": Membership.Role.MEMBER}


def _invitation_signup() -> Prepared:
    owner = make_user("alice")
    issued = account_services.invitation_create(
        organisation=_organisation(owner), email="nowy@example.com", invited_by=owner
    )
    data = {
        "username": "nowy",
        "first_name": "Jan",
        "last_name": "Nowy",
        "password1": "dluga-fraza-hasla-42",
        "password2": "dluga-fraza-hasla-42",
    }
    return Client(), reverse("organisations:accept", args=[issued.token]), data


def _column(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)  # type: ignore[return-value]


OFFER_COLUMNS = {
    name: _column(Offer, name)
    for name in (
        "holder_name",
        "holder_pesel",
        "holder_nip",
        "holder_regon",
        "holder_address",
        "insured_name",
        "insured_pesel",
        "insured_nip",
        "insured_regon",
        "email",
        "mobile",
    )
}

# Subscribers ---------------------------------------------------------------------


def _subscriber(code: bool = True) -> tuple[Client, SubscriberAccount]:
    load_catalogue()
    account = make_account("abonentka", numbers=("48601000001",), code="KOD123")
    return login_as(account, code=code), account


def _sub_phone() -> Prepared:
    return Client(), reverse("subscribers:login"), {}


def _sub_password() -> Prepared:
    client, _account = _subscriber()
    client.post(reverse("subscribers:login"), {"phone": "601000001"})
    return client, reverse("subscribers:login-password"), {}


def _sub_code() -> Prepared:
    client, _account = _subscriber(code=False)
    return client, reverse("subscribers:code"), {}


def _sub_address() -> Prepared:
    client, _account = _subscriber()
    data = {"street": "ul. Prosta 2", "postal_code": "00-001", "city": "Warszawa"}
    return client, reverse("subscribers:address"), data


def _sub_payment_form() -> Prepared:
    client, _account = _subscriber()
    data = {"payment_form": "e_invoice", "email": "a@example.com", "e_invoice_consent": "on"}
    return client, reverse("subscribers:payment-form"), data


def _sub_tariff() -> Prepared:
    client, _account = _subscriber()
    return client, reverse("subscribers:tariff-change", args=["ciebie-70"]), {}


def _sub_numbers() -> Prepared:
    client, _account = _subscriber()
    return client, reverse("subscribers:service-activate", args=["przyjaciel"]), {}


def _sub_case() -> Prepared:
    client, _account = _subscriber()
    url = reverse("subscribers:case-new") + "?rodzaj=zlecenie&typ=biling"
    return client, url, {"period_from": "2026-10-01", "period_to": "2026-10-31"}


def _sub_completion() -> Prepared:
    client, account = _subscriber()
    case = subscriber_services.case_file(
        account=account, contract=account.contracts.get(), category="reklamacja",
        kind=subscriber_services.case_type("reklamacja", "jakosc"), fields={},
        description="Brak zasięgu", delivery="email",
    )  # fmt: skip
    subscriber_services.case_return_for_completion(case=case, missing="Adres")
    return client, reverse("subscribers:case", args=[case.pk]), {}


def _sub_profit() -> Prepared:
    client, _account = _subscriber()
    return client, reverse("subscribers:profit-join"), {}


CASES: dict[type[forms.BaseForm], Case] = {
    PortalLoginForm: Case(_portal_login, {"username": _column(User, "username")}),
    InvitationForm: Case(_invite, {"email": _column(Invitation, "email")}),
    InvitationSignupForm: Case(
        _invitation_signup,
        {name: _column(User, name) for name in ("username", "first_name", "last_name")},
    ),
    OtpCodeForm: Case(_otp_code),
    offer_forms.OfferForm: Case(_offer_create, OFFER_COLUMNS),
    offer_forms.ConsentForm: Case(
        _offer_consent, {"mobile": OFFER_COLUMNS["mobile"], "email": OFFER_COLUMNS["email"]}
    ),
    offer_forms.SendForm: Case(_offer_send),
    offer_forms.OfferFilterForm: Case(_offer_list, method="get"),
    client_forms.AccessCodeForm: Case(_client_access, {"email": _column(Offer, "email")}),
    client_forms.PeselForm: Case(_client_pesel),
    client_forms.FilePasswordForm: Case(_client_password),
    client_forms.ConsentForm: Case(_client_consents),
    client_forms.PaymentMethodForm: Case(_client_pay),
    SandboxPayForm: Case(_sandbox),
    subscriber_forms.PhoneForm: Case(_sub_phone),
    subscriber_forms.PasswordForm: Case(_sub_password),
    subscriber_forms.CodeForm: Case(_sub_code),
    subscriber_forms.AddressForm: Case(
        _sub_address,
        {name: _column(SubscriberAccount, name) for name in ("street", "postal_code", "city")},
    ),
    subscriber_forms.PaymentFormForm: Case(_sub_payment_form),
    subscriber_forms.TariffChoiceForm: Case(_sub_tariff),
    subscriber_forms.NumbersForm: Case(_sub_numbers),
    subscriber_forms.CaseForm: Case(_sub_case),
    subscriber_forms.CompletionForm: Case(_sub_completion),
    subscriber_forms.ProfitJoinForm: Case(_sub_profit),
}


def portal_forms() -> set[type[forms.BaseForm]]:
    """Every form class defined in one of our apps."""
    for app in OUR_APPS:
        package_module = importlib.import_module(app)
        for info in pkgutil.walk_packages(package_module.__path__, f"{app}."):
            if ".migrations" not in info.name:
                importlib.import_module(info.name)
    found: set[type[forms.BaseForm]] = set()
    pending = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.split(".")[0] in OUR_APPS:
                found.add(sub)
    return found


def text_fields() -> list[tuple[type[forms.BaseForm], str]]:
    return [
        (form_class, name)
        for form_class, case in CASES.items()
        for name, form_field in form_class.base_fields.items()
        if isinstance(form_field, forms.CharField)
    ]


def limit_of(form_class: type[forms.BaseForm], name: str) -> int | None:
    column = CASES[form_class].columns.get(name)
    if column is not None and column.max_length:
        return column.max_length
    return form_class.base_fields[name].max_length  # type: ignore[attr-defined]


def too_long(form_field: forms.Field, length: int) -> str:
    if isinstance(form_field, forms.EmailField):
        domain = "@example.com"
        return "a" * (length - len(domain)) + domain
    return "1" * length


# The apps whose every form is posted through its page; the other areas' forms, and the
# staff's admin forms, are checked by declaration (see the end of this file).
POSTED_APPS = ("accounts", "payments", "offers", "subscribers", "portal")


def _posted_through_its_page(form_class: type[forms.BaseForm]) -> bool:
    module = form_class.__module__
    return module.split(".")[0] in POSTED_APPS and not module.endswith(".admin")


def test_it_lists_every_form_of_the_portal():
    posted = {f for f in portal_forms() if _posted_through_its_page(f)}
    assert posted == set(CASES)
    assert portal_forms() - set(CASES), "the other areas' forms are checked by declaration"


def test_every_email_field_takes_at_most_254_characters():
    email_fields = [
        (form_class, name)
        for form_class in CASES
        for name, form_field in form_class.base_fields.items()
        if isinstance(form_field, forms.EmailField)
    ]
    assert email_fields
    for form_class, name in email_fields:
        assert form_class.base_fields[name].max_length == 254, (form_class, name)


def _forms_in(response) -> list[forms.BaseForm]:  # type: ignore[no-untyped-def]
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound:
                found.append(value)
    return found


@pytest.mark.parametrize(
    ("form_class", "name"),
    text_fields(),
    ids=[f"{form_class.__name__}.{name}" for form_class, name in text_fields()],
)
def test_it_refuses_a_field_one_character_over_its_column_in_polish(db, form_class, name):
    case = CASES[form_class]
    client, url, data = case.prepare()
    length = (limit_of(form_class, name) or UNLIMITED) + 1
    value = too_long(form_class.base_fields[name], length)
    response = getattr(client, case.method)(url, {**data, name: value})

    assert response.status_code in (200, 400), response.status_code
    bound = [form for form in _forms_in(response) if isinstance(form, form_class)]
    assert bound, f"{url} did not show {form_class.__name__} again"
    form = bound[0]
    messages = [str(message) for errors in form.errors.values() for message in errors]
    assert messages, f"{form_class.__name__} took {length} characters in {name}"
    assert any(POLISH.search(message) for message in messages), messages
    page = response.content.decode()
    assert any(escape(message) in page for message in messages), messages


# Forms posted through their pages above are the remote sale's and the organisations';
# every other form of the portal is checked here by its declaration: each text field
# has a limit, and a model form's limit never exceeds its column's.
def _declared_limit(form_class: type[forms.BaseForm], name: str) -> int | None:
    form_field = form_class.base_fields[name]
    if isinstance(form_field, forms.CharField) and form_field.max_length is not None:
        return form_field.max_length
    if issubclass(form_class, AuthenticationForm) and name == "username":
        return User._meta.get_field(User.USERNAME_FIELD).max_length  # set in __init__
    if issubclass(form_class, AuthenticationForm) and name == "password":
        return UNLIMITED  # compared by the hasher, never stored
    return None


def _model_column(form_class: type[forms.BaseForm], name: str) -> models.Field | None:
    meta = getattr(form_class, "_meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return None
    try:
        column = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return column if isinstance(column, models.Field) else None


def _declared_text_fields() -> list[tuple[type[forms.BaseForm], str]]:
    return [
        (form_class, name)
        for form_class in sorted(
            portal_forms() - set(CASES), key=lambda c: f"{c.__module__}.{c.__name__}"
        )
        for name, form_field in form_class.base_fields.items()
        if isinstance(form_field, forms.CharField)
    ]


@pytest.mark.parametrize(
    ("form_class", "name"),
    _declared_text_fields(),
    ids=[f"{cls.__module__}.{cls.__name__}.{name}" for cls, name in _declared_text_fields()],
)
def test_every_other_text_field_declares_a_limit_within_its_column(form_class, name):
    limit = _declared_limit(form_class, name)
    assert limit is not None, f"{form_class.__name__}.{name} takes text of any length"
    column = _model_column(form_class, name)
    if column is not None and getattr(column, "max_length", None):
        assert limit <= column.max_length, (form_class, name, limit, column.max_length)
    if isinstance(form_class.base_fields[name], forms.EmailField):
        assert limit <= 254, (form_class, name)
