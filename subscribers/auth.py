"""Subscriber login (phone number + SMS password) and the subscriber code.

The SMS password is a django-otp side-channel device per phone number
(`SmsDevice`): 6 digits, valid 5 minutes, at most 5 attempts. A new one is
sent at most once a minute and 5 times an hour per number, and the answer is
the same whether or not the number is a subscriber's, so the login page tells
nobody who is a customer.

Changes also need the subscriber code, of the number or of the whole account,
once per session; wrong codes lock like passwords, across processes.

A right SMS password logs the user in with the device (`django_otp.login`), so
the session is verified the django-otp way and `request.user.is_verified()`
holds; the subscriber pages accept only a session verified by an SMS password.
"""

import re
from typing import NamedTuple

import django_otp
from django.contrib.auth import login as auth_login
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts import otp, ratelimit
from accounts.audit import security_event
from accounts.network import client_ip
from accounts.roles import Role
from notifications.services import sms_enqueue

from .models import Contract, SmsDevice

PASSWORD_DIGITS = 6
PASSWORD_VALID = 5 * 60
PASSWORD_ATTEMPTS = 5

SEND_MINUTE = ratelimit.Limit("sub-sms-minute", max_failures=1, window=60, lockout=60)
SEND_HOUR = ratelimit.Limit("sub-sms-hour", max_failures=5, window=3600, lockout=3600)
SEND_IP = ratelimit.Limit("sub-sms-ip", max_failures=30, window=3600, lockout=3600)
# Wrong passwords per number and per IP, beside the 5 attempts of one password.
PASSWORD_LIMIT = ratelimit.Limit("sub-password", max_failures=5, window=900, lockout=900)
PASSWORD_IP = ratelimit.Limit("sub-password-ip", max_failures=30, window=900, lockout=900)
# Wrong subscriber codes per account and per IP: 5 in 15 minutes lock for 15 minutes.
CODE_LIMIT = ratelimit.Limit("sub-code", max_failures=5, window=900, lockout=900)
CODE_IP = ratelimit.Limit("sub-code-ip", max_failures=20, window=900, lockout=900)

SESSION_LOGIN = "_sub_login"  # {"contract": id}: the number whose SMS password was right
SESSION_CONTRACT = "_sub_contract"  # the number being looked at
SESSION_CODE = "_sub_code"  # {"account": bool, "contracts": [ids]} verified codes
SESSION_PHONE = "_sub_phone"  # the number typed on the first step

_NON_DIGITS = re.compile(r"[\s\-()]")


class PasswordOk(NamedTuple):
    contract: Contract
    device: SmsDevice


class Locked(Exception):
    def __init__(self, decision: ratelimit.Decision) -> None:
        super().__init__("locked")
        self.decision = decision


def normalize_msisdn(raw: str) -> str | None:
    """A Polish mobile number as 48XXXXXXXXX, or None."""
    digits = _NON_DIGITS.sub("", raw.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0048"):
        digits = digits[2:]
    if len(digits) == 9:
        digits = "48" + digits
    if len(digits) != 11 or not digits.isdigit() or not digits.startswith("48"):
        return None
    return digits


def _subscriber_contract(msisdn: str) -> Contract | None:
    return (
        Contract.objects.select_related("account__user")
        .filter(msisdn=msisdn, active=True, account__user__is_active=True)
        .first()
    )


def sms_password_send(*, request: HttpRequest, msisdn: str) -> None:
    """Send a temporary password if the number is a subscriber's; limits count either way."""
    ip = client_ip(request)
    for limit, key in ((SEND_MINUTE, msisdn), (SEND_HOUR, msisdn), (SEND_IP, ip)):
        decision = ratelimit.check(limit, key)
        if decision.locked:
            security_event("subscriber.sms_throttled", request=request, limit=limit.name)
            raise Locked(decision)
    for limit, key in ((SEND_MINUTE, msisdn), (SEND_HOUR, msisdn), (SEND_IP, ip)):
        ratelimit.record_failure(limit, key)
    contract = _subscriber_contract(msisdn)
    if contract is None:
        security_event("subscriber.sms_unknown_number", request=request)
        return
    with transaction.atomic():
        device, _created = SmsDevice.objects.select_for_update().get_or_create(
            msisdn=msisdn,
            defaults={"user": contract.account.user, "name": "SMS", "confirmed": True},
        )
        device.user = contract.account.user
        device.failures = 0
        device.generate_token(length=PASSWORD_DIGITS, valid_secs=PASSWORD_VALID, commit=False)
        device.save()
        sms_enqueue(
            to=msisdn,
            text=_("Idea24 on-line: Twoje hasło tymczasowe to %(token)s. Ważne 5 minut.")
            % {"token": device.token},
            topic=f"subscriber-login:{contract.pk}",
        )
    security_event("subscriber.sms_sent", request=request, who=f"contract:{contract.pk}")


def sms_password_verify(*, request: HttpRequest, msisdn: str, token: str) -> PasswordOk | None:
    """The subscriber's number and device if the password is right; failures are counted."""
    ip = client_ip(request)
    decision = ratelimit.check(PASSWORD_LIMIT, msisdn)
    ip_decision = ratelimit.check(PASSWORD_IP, ip)
    if decision.locked or ip_decision.locked:
        raise Locked(decision if decision.locked else ip_decision)
    token = "".join(ch for ch in token if ch.isdigit())
    contract = _subscriber_contract(msisdn)
    verified = False
    device: SmsDevice | None = None
    if contract is not None:
        with transaction.atomic():
            device = SmsDevice.objects.select_for_update().filter(msisdn=msisdn).first()
            if device is not None and device.token and device.failures < PASSWORD_ATTEMPTS:
                verified = len(token) == PASSWORD_DIGITS and device.verify_token(token)
                if not verified:
                    device.failures += 1
                    if device.failures >= PASSWORD_ATTEMPTS:
                        device.token = None  # used up: a new one must be asked for
                    device.save(update_fields=["failures", "token"])
    if not verified or contract is None or device is None:
        ratelimit.record_failure(PASSWORD_LIMIT, msisdn)
        ratelimit.record_failure(PASSWORD_IP, ip)
        security_event("subscriber.login_failure", request=request)
        return None
    ratelimit.clear(PASSWORD_LIMIT, msisdn)
    return PasswordOk(contract=contract, device=device)


def complete_login(request: HttpRequest, contract: Contract, device: SmsDevice) -> None:
    """Log in with the SMS device, so django-otp holds the session as verified by it."""
    user = contract.account.user
    if user is None or not user.has_role(Role.SUBSCRIBER):
        raise PermissionError("number without a subscriber user")
    if user.is_staff or user.groups.exclude(name=Role.SUBSCRIBER).exists():
        # An SMS password is no second factor for the admin or another area's pages.
        raise PermissionError("a subscriber user with other rights")
    user.backend = "accounts.backends.PortalModelBackend"
    auth_login(request, user)
    django_otp.login(request, device)
    request.session[SESSION_LOGIN] = {"contract": contract.pk}
    request.session[SESSION_CONTRACT] = contract.pk
    request.session[SESSION_CODE] = {"account": False, "contracts": []}


def sms_verified(request: HttpRequest) -> bool:
    """The session is verified (django-otp), and by a subscriber's SMS password."""
    return otp.verified_by(request, (SmsDevice,))


def code_verified(request: HttpRequest, contract: Contract) -> bool:
    state = request.session.get(SESSION_CODE) or {}
    return bool(state.get("account")) or contract.pk in state.get("contracts", [])


def account_code_verified(request: HttpRequest, contract: Contract, numbers: int) -> bool:
    """A change to the whole account: the account's code, or the one number's code of an
    account that has a single number (its code then covers all the account has)."""
    state = request.session.get(SESSION_CODE) or {}
    if state.get("account"):
        return True
    return numbers == 1 and contract.pk in state.get("contracts", [])


def code_verify(request: HttpRequest, contract: Contract, code: str) -> bool:
    """The number's own code, or the account's code (covering every number)."""
    account = contract.account
    key, ip = f"account:{account.pk}", client_ip(request)
    for limit, k in ((CODE_LIMIT, key), (CODE_IP, ip)):
        decision = ratelimit.check(limit, k)
        if decision.locked:
            security_event("subscriber.code_throttled", request=request, who=key)
            raise Locked(decision)
    code = code.strip().upper()
    state = request.session.get(SESSION_CODE) or {"account": False, "contracts": []}
    if account.check_code(code):
        state["account"] = True
    elif contract.check_code(code):
        state["contracts"] = sorted({*state.get("contracts", []), contract.pk})
    else:
        ratelimit.record_failure(CODE_LIMIT, key)
        ratelimit.record_failure(CODE_IP, ip)
        security_event("subscriber.code_failure", request=request, who=key)
        return False
    ratelimit.clear(CODE_LIMIT, key)
    request.session[SESSION_CODE] = state
    security_event("subscriber.code_ok", request=request, who=key)
    return True
