"""Incident timeline entries: stored untranslated, shown in the reader's language."""

from django.utils import translation

from compliance.risk.models import IncidentUpdate
from compliance.risk.services import incident_open
from tests.compliance.risk.factories import spike_incident


def test_spike_timeline_entry_is_stored_untranslated_and_shown_in_readers_language(team):
    incident = spike_incident(team)
    update = IncidentUpdate.objects.get(incident=incident)
    assert update.summary.startswith("Negative spike: %(negative)s of %(total)s")
    assert update.params["negative"] == 8
    with translation.override("en"):
        assert update.text.startswith("Negative spike: 8 of 8 interactions negative")
    with translation.override("zh-hans"):
        text = update.text
    assert "Negative spike" not in text
    assert "8" in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)

def test_opened_entry_follows_reader_language(team, users):
    incident = incident_open(actor=users["manager"], team=team, title="账号被封",
                             incident_type="account_banned")
    update = incident.updates.get()
    with translation.override("en"):
        assert update.text == "Incident opened."
    with translation.override("zh-hans"):
        assert update.text != "Incident opened."
