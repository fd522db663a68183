import pytest
from django.core.management import call_command

from cases.models import Case
from repatriation.models import FollowUpAttachment, Repatriation

pytestmark = pytest.mark.django_db


def test_the_demo_holds_every_stage_of_prepared_repatriation(capsys):
    call_command("demo_data")

    answers = sorted(Repatriation.objects.values_list("answer", flat=True))
    assert answers == ["accepted", "accepted", "accepted", "declined", "pending"]
    assert Case.objects.filter(status=Case.Status.RETURNED).count() == 2
    assert Case.objects.filter(dublin_regulation=True).count() == 1
    assert FollowUpAttachment.objects.get().kind == "png"
    assert Case.objects.filter(shares__team__name="IOM Danmark", shares__scope="repatriation").count() == 2
