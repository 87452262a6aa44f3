from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.views import LoginView

agent_login = LoginView.as_view(extra_context={"heading": _("Logowanie agenta")})


@require_GET
def client_access(request: HttpRequest) -> HttpResponse:
    return render(request, "offers/client_access.html")
