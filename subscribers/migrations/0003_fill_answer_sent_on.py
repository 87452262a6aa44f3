from django.db import migrations
from django.utils import timezone


def fill_answer_sent_on(apps, schema_editor):
    # Answers given before letters existed were all e-mailed on the day they were written.
    Case = apps.get_model("subscribers", "Case")
    answered = Case.objects.filter(answered_at__isnull=False, answer_sent_on__isnull=True)
    for case in answered.only("pk", "answered_at").iterator():
        Case.objects.filter(pk=case.pk).update(answer_sent_on=timezone.localdate(case.answered_at))


class Migration(migrations.Migration):
    dependencies = [("subscribers", "0002_case_letters_and_history")]

    operations = [migrations.RunPython(fill_answer_sent_on, migrations.RunPython.noop)]
