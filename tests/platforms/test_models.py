"""Platform models: what the database itself guarantees."""

from platforms.models import QualificationDocument


def test_expires_on_is_mandatory_in_the_database():
    field = QualificationDocument._meta.get_field("expires_on")
    assert field.null is False
    assert field.blank is False
