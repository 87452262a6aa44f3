"""Payment providers, chosen by name: settings.PAYMENT_PROVIDER for new payments,
`Payment.provider` for everything after."""

from django.conf import settings

from .base import PaymentProvider, ProviderError


def get_provider(name: str | None = None) -> PaymentProvider:
    name = name or settings.PAYMENT_PROVIDER
    if name == "stripe":
        from .stripe import StripeProvider

        return StripeProvider()
    if name == "sandbox":
        if settings.PAYMENT_PROVIDER != "sandbox":
            # The sandbox accepts anyone's word that a payment succeeded; it
            # exists only where it is the configured provider.
            raise ProviderError("the sandbox provider is disabled")
        from .sandbox import SandboxProvider

        return SandboxProvider()
    raise ProviderError(f"unknown payment provider {name!r}")
