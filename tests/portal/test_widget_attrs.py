"""The portal's attrs.html writes a widget's attributes exactly as Django's own template."""

from django import forms
from django.forms.renderers import DjangoTemplates


class EveryKind(forms.Form):
    name = forms.CharField(
        max_length=5,
        widget=forms.TextInput(attrs={"data-x": '"<q>&', "autofocus": True, "hidden": False}),
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"placeholder": "Treść…"}))
    agree = forms.BooleanField()
    pick = forms.ChoiceField(choices=[(1, "jeden"), (2, "dwa <b>")])
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(widget=forms.HiddenInput, initial="x'y")


def test_it_renders_every_widget_as_the_built_in_template_does(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.FORM_RENDERER == "django.forms.renderers.TemplatesSetting"
    data = {"name": "a&b", "pick": "2", "many": ["b"], "agree": "on"}
    ours = EveryKind(data).as_div()
    django = EveryKind(data, renderer=DjangoTemplates()).as_div()
    assert 'data-x="&quot;&lt;q&gt;&amp;"' in ours
    assert " autofocus " in ours and " hidden" not in ours.split("<input")[1]
    assert ours == django
