"""Forms of the learner and teacher pages. The answer itself is read per item type in
``dashboards.practice.answer_from``; this form checks what travels with it."""

import time
import uuid

from django import forms

MAX_SECONDS_ON_ITEM = 3600  # longer means the tab was left open: no usable timing


class AnswerMetaForm(forms.Form):
    item = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    # Generated when the page renders: a resubmitted form (double click, reload, back button)
    # carries the same id, and the service records the answer once.
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    shown_at = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Set by static/js/app.js when the learner opens a hint (without JavaScript: not known).
    hint_used = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def time_taken_ms(self) -> int | None:
        shown_at = self.cleaned_data.get("shown_at")
        if not shown_at:
            return None
        elapsed = int(time.time() * 1000) - shown_at
        return elapsed if 0 < elapsed <= MAX_SECONDS_ON_ITEM * 1000 else None


def fresh_answer_meta(item_id: int) -> dict[str, object]:
    return {
        "item": item_id,
        "client_id": str(uuid.uuid4()),
        "shown_at": int(time.time() * 1000),
    }


class AssignCourseForm(forms.Form):
    course = forms.ChoiceField(label="Course")

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["course"].choices = choices  # type: ignore[attr-defined]
