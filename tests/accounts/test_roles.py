import pytest
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.decorators import role_required
from accounts.roles import Role


@pytest.mark.django_db
def test_every_role_exists_as_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= {str(r) for r in Role}


@pytest.mark.django_db
def test_role_required_lets_in_only_that_role(alice, charlie):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    view = role_required(Role.AGENT)(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/agent/")

    request.user = alice
    assert view(request).status_code == 200

    request.user = charlie
    with pytest.raises(PermissionDenied):
        view(request)

    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302
    assert "/konto/logowanie/?next=/agent/" in response["Location"]


@pytest.mark.django_db
def test_an_inactive_user_has_no_role(alice):
    alice.is_active = False
    assert not alice.has_role(Role.AGENT)


@pytest.mark.django_db
def test_the_admin_speaks_polish(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert "Portal — administracja" in html
    assert "Użytkownicy" in html
