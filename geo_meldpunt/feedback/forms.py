from django import forms
from django.utils.translation import gettext_lazy as _

from .services import COMMENT_MAX_LENGTH

# The scale as the reporter reads it; the number alone says little to someone with a screen reader.
SCORE_CHOICES = [
    (1, _("very dissatisfied")),
    (2, _("dissatisfied")),
    (3, _("neither satisfied nor dissatisfied")),
    (4, _("satisfied")),
    (5, _("very satisfied")),
]

SCORE_REQUIRED = _("Choose a score from 1 to 5.")


class SurveyForm(forms.Form):
    """Parses the page's input; the rules (range, length, link validity) are survey_answer's."""

    score = forms.TypedChoiceField(
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": SCORE_REQUIRED, "invalid_choice": SCORE_REQUIRED},
    )
    comment = forms.CharField(required=False, max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea)
