import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import security_event
from accounts.decorators import no_referrer

from .forms import SandboxPayForm
from .models import Payment, SandboxCheckout
from .providers.base import ProviderError, WebhookInvalid
from .sandbox import sandbox_checkout_complete
from .selectors import BLIK_CODE_LIFETIME_SECONDS, payment_page_state
from .webhooks import webhook_receive


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """Acknowledge a provider's event at once; the work happens in a task."""
    try:
        webhook_receive(
            provider=provider,
            body=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
        )
    except ProviderError:
        raise Http404 from None
    except WebhookInvalid as exc:
        security_event("payments.webhook_refused", request=request, provider=provider)
        return HttpResponse(f"invalid: {exc}"[:200], status=400, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def _payment(public_id: uuid.UUID) -> Payment:
    # The public id is a random UUID: knowing it is what lets a browser see
    # the status (no personal data is on these pages).
    return get_object_or_404(Payment, public_id=public_id)


@require_GET
@no_referrer
def wait(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Where the provider sends the client back: wait here for the confirmed result."""
    payment = _payment(public_id)
    if payment.status == Payment.Status.SUCCEEDED:
        return HttpResponseRedirect(payment.success_url)
    state = payment_page_state(payment)
    response = render(
        request,
        "payments/wait.html",
        {"payment": payment, "state": state, "blik_seconds": BLIK_CODE_LIFETIME_SECONDS},
    )
    add_never_cache_headers(response)
    return response


@require_GET
def status(request: HttpRequest, public_id: uuid.UUID) -> JsonResponse:
    """The waiting page polls this until the payment has a confirmed result."""
    payment = _payment(public_id)
    state = payment_page_state(payment)
    response = JsonResponse(
        {
            "status": payment.status,
            "waiting": state.waiting,
            "redirect": payment.success_url if payment.status == Payment.Status.SUCCEEDED else None,
        }
    )
    add_never_cache_headers(response)
    return response


@require_GET
def cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The provider's "back" link: return to the payable's page, changing nothing.

    The session may still be paid in another tab; it expires by itself.
    """
    return HttpResponseRedirect(_payment(public_id).cancel_url)


# Not `no_referrer`: Chromium then posts the form with "Origin: null", which the
# CSRF check refuses. The default same-origin policy keeps the URL on our site.
@require_http_methods(["GET", "POST"])
def sandbox(request: HttpRequest, checkout_id: str) -> HttpResponse:
    """The sandbox provider's hosted page: pick a method, pay or fail."""
    if settings.PAYMENT_PROVIDER != "sandbox":
        raise Http404
    checkout = get_object_or_404(SandboxCheckout, checkout_id=checkout_id)
    payment = get_object_or_404(Payment, public_id=checkout.payment_ref)
    if checkout.status != SandboxCheckout.Status.OPEN:
        return HttpResponseRedirect(_local(checkout.success_url))
    form = SandboxPayForm(
        request.POST or None, initial={"method": checkout.method or Payment.Method.BLIK}
    )
    if request.method == "POST" and form.is_valid():
        sandbox_checkout_complete(
            checkout_id=checkout.checkout_id,
            method=form.cleaned_data["method"],
            blik_code=form.cleaned_data["blik_code"],
            decline=form.cleaned_data["decline"],
        )
        return HttpResponseRedirect(_local(checkout.success_url), status=303)
    response = render(
        request,
        "payments/sandbox.html",
        {"form": form, "payment": payment, "checkout": checkout},
        status=400 if request.method == "POST" else 200,
    )
    add_never_cache_headers(response)
    return response


def _local(url: str) -> str:
    """The path of one of our absolute URLs: the sandbox lives on our own site."""
    base = settings.PORTAL_BASE_URL
    return url[len(base) :] if url.startswith(base) else url
