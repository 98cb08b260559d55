from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# A province has tens of thousands of villages: the select starts with the first of them and the
# search box (htmx) fetches matching ones from regions:picker. Without JavaScript the first
# options still work, and validation always uses the field's whole queryset.
INITIAL_OPTIONS = 200


class DivisionPicker(forms.Select):
    template_name = "regions/widgets/division_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["picker_url"] = reverse("regions:picker")
        context["widget"]["search_placeholder"] = _("Search by name or code")
        return context

    def optgroups(self, name, value, attrs=None):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        selected = {str(v) for v in value if v}
        shown = list(queryset[:INITIAL_OPTIONS])
        shown_ids = {str(d.pk) for d in shown}
        missing = [pk for pk in selected if pk not in shown_ids and pk.isdigit()]
        if missing:
            shown += list(queryset.filter(pk__in=missing))
        groups = []
        if not self.is_required or not selected:
            groups.append((None, [self.create_option(name, "", "—", not selected, 0)], 0))
        for index, division in enumerate(shown, start=1):
            label = self.choices.field.label_from_instance(division)
            option = self.create_option(
                name, division.pk, label, str(division.pk) in selected, index
            )
            groups.append((None, [option], index))
        return groups
