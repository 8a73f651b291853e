"""Form widgets, and choices that forms take as they are."""

from html import escape

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


class ReadyChoices(BaseChoiceIterator):
    """Choices already in Django's normal form ((value, label) pairs, groups as lists).

    A field given a plain list normalises it again, option by option, on every form (for
    the case list's filters, half of the form's cost); this iterator is taken as it is.
    """

    def __init__(self, pairs) -> None:
        self.pairs = tuple(pairs)

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


def flatatt(attrs: dict) -> str:
    """Attributes in their order, as Django's attrs.html writes them (True: name only)."""
    return "".join(
        f" {conditional_escape(k)}"
        if v is True
        else f' {conditional_escape(k)}="{conditional_escape(v)}"'
        for k, v in attrs.items()
        if v is not False
    )


class FastSelect(forms.Select):
    """A select written in Python: the HTML of Django's template, without a template per option.

    Django renders each <option> through an included template; a list of 250 countries then
    costs several milliseconds per select on every page that shows it (the case list's
    filters were two thirds of the page's time).
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        wanted = set(self.format_value(value))
        found = False
        parts: list[str] = [format_html('<select name="{}"{}>', name, mark_safe(flatatt(final)))]

        def option(option_value, label) -> str:
            # html.escape is what Django's escape does, without its lazy-string wrapper
            # (several microseconds an option, hundreds of options a page).
            nonlocal found
            option_value = "" if option_value is None else str(option_value)
            selected = option_value in wanted and (self.allow_multiple_selected or not found)
            found = found or selected
            mark = " selected" if selected else ""
            return f'<option value="{escape(option_value)}"{mark}>{escape(str(label))}</option>'

        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(f'<optgroup label="{escape(str(option_value))}">')
                parts.extend(option(v, inner) for v, inner in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(option_value, label))
        parts.append("</select>")
        return mark_safe("".join(parts))
