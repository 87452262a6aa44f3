from django.template import Context, Template


def _render(choices, selected) -> str:  # type: ignore[no-untyped-def]
    template = Template("{% load portal_forms %}{% select_options choices selected %}")
    return template.render(Context({"choices": choices, "selected": selected}))


def test_it_marks_the_selected_pair_and_escapes_values_and_labels():
    html = _render([("", "wszystkie"), ("a&b", "<b>Ś</b>")], "a&b")
    assert html == (
        '<option value="">wszystkie</option>'
        '<option value="a&amp;b" selected>&lt;b&gt;Ś&lt;/b&gt;</option>'
    )


def test_it_takes_bare_values_and_compares_them_as_text():
    assert _render([25, 50], 50) == (
        '<option value="25">25</option><option value="50" selected>50</option>'
    )
    assert "selected" not in _render([25, 50], None)
