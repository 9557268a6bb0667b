"""The site's home: a learner's dashboard or a teacher's (and admin's) classrooms."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from apps.web.access import AuthedRequest
from apps.web.classrooms.views import teacher_home_page
from apps.web.learner.views import learner_home_page


@login_required
def home_view(request: AuthedRequest) -> HttpResponse:
    if request.user.is_learner:
        return learner_home_page(request)
    return teacher_home_page(request)
