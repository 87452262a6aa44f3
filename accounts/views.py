from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from .forms import PortalLoginForm


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = PortalLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view()
