import pytest


@pytest.fixture(autouse=True)
def _test_templates(settings):  # type: ignore[no-untyped-def]
    """Let these tests use the small e-mail templates under tests/templates."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], settings.BASE_DIR / "tests" / "templates"],
        }
    ]
