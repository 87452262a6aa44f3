"""The demo partners: every level, both level-2 variants, a technician expiring in 10 days."""

from datetime import timedelta

from django.utils import timezone

from partners import demo
from partners.models import Bug, Document, PartnerProfile, Post, SalesRegistration
from partners.rights import has_right


def test_it_loads_every_level_once(db):
    lines = demo.load()
    counts = (PartnerProfile.objects.count(), Document.objects.count(), Post.objects.count())
    assert counts[1] > 0 and counts[2] > 0  # demo documents and forum posts
    demo.load()
    assert (
        PartnerProfile.objects.count(),
        Document.objects.count(),
        Post.objects.count(),
    ) == counts
    assert sorted(PartnerProfile.objects.values_list("level_id", flat=True)) == [
        0,
        1,
        2,
        2,
        3,
        4,
        5,
    ]
    level_2 = PartnerProfile.objects.filter(level_id=2)
    assert sorted(p.subscription_sales for p in level_2) == [False, True]
    technician = PartnerProfile.objects.get(level_id=4)
    assert technician.technician_until == timezone.localdate() + timedelta(days=10)
    assert Bug.objects.exists() and SalesRegistration.objects.exists()
    assert any("partner4 / partner4" in line for line in lines)
    assert not has_right(PartnerProfile.objects.get(level_id=5), "pi_section")
