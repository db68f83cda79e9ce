"""The form that adds a webhook: its address and the events it wants, as checkboxes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField, ValidationError
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.webhooks.labels import EVENT_LABELS
from app.webhooks.models import WebhookEvent
from app.webhooks.services import URL_LENGTH, WebhookError, check_url


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def http_address(_form: FlaskForm, field: StringField) -> None:
    try:
        check_url(field.data or "")
    except WebhookError as error:
        raise ValidationError(str(error)) from None


class WebhookForm(FlaskForm):
    url = StringField(
        _l("Address"),
        validators=[InputRequired(), Length(max=URL_LENGTH), http_address],
        description=_l("Where Reshelf sends each event as a POST with a JSON body."),
    )
    events = CheckboxesField(
        _l("Events"),
        choices=[SelectChoice(event.value, EVENT_LABELS[event]) for event in WebhookEvent],
        validators=[InputRequired(_l("Choose at least one event."))],
    )
