"""Authoring in the Django admin. Saves go through the services, so the admin renders Markdown,
checks answer keys and refuses prerequisite cycles exactly as the API and import do.

A service's refusal must be a form error, not a 500 after the admin has begun saving: each form
runs the same service call in ``clean()`` inside a savepoint that is always rolled back
(``common.service_refusal``), then the admin runs it for real when saving.

Importing the modules registers their admin classes.
"""

from apps.curriculum.admin import courses, items, lessons, skills

__all__ = ["courses", "items", "lessons", "skills"]
