"""A teacher removes a learner from their class on the site: a confirmation page, then a
POST with CSRF. Only the classroom's teacher or an admin; the learner's own data stays and
the class page lists them under "Left the class"."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Enrollment
from apps.privacy.models import ClassroomDeparture
from apps.recommendations.models import SkillMastery
from tests.accounts.factories import AdminFactory, TeacherFactory
from tests.dashboards.conftest import logged_in

pytestmark = pytest.mark.django_db


def _urls(klass) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    args = [klass.classroom.pk, klass.learner.pk]
    return (
        reverse("classroom-remove-learner-confirm", args=args),
        reverse("classroom-remove-learner", args=args),
    )


def _enrolled(klass) -> bool:  # type: ignore[no-untyped-def]
    return Enrollment.objects.filter(classroom=klass.classroom, learner=klass.learner).exists()


def test_the_class_page_links_to_a_confirmation_that_posts_the_removal(klass):
    confirm, remove = _urls(klass)
    client = logged_in(klass.teacher)
    detail = client.get(reverse("classroom-detail", args=[klass.classroom.pk])).content.decode()
    assert f'href="{confirm}"' in detail
    page = client.get(confirm)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<form method="post" action="{remove}"' in html
    assert "csrfmiddlewaretoken" in html
    assert "nothing is deleted" in html
    assert _enrolled(klass)  # GET changes nothing


def test_the_teacher_removes_a_learner_and_their_data_stays(klass):
    SkillMastery.objects.create(
        learner=klass.learner,
        skill=klass.course.skills.get(slug="s1"),
        course=klass.course,
        p_known=0.5,
        attempts=3,
    )
    _, remove = _urls(klass)
    client = Client(enforce_csrf_checks=True)
    client.force_login(klass.teacher)
    assert client.post(remove).status_code == 403  # no CSRF token
    assert _enrolled(klass)
    client.get(_urls(klass)[0])
    token = client.cookies["csrftoken"].value
    response = client.post(remove, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not _enrolled(klass)
    assert SkillMastery.objects.filter(learner=klass.learner).count() == 1
    klass.learner.refresh_from_db()
    assert klass.learner.is_active
    departure = ClassroomDeparture.objects.get(classroom=klass.classroom)
    assert (departure.learner, departure.removed_by) == (klass.learner, klass.teacher)
    detail = client.get(reverse("classroom-detail", args=[klass.classroom.pk])).content.decode()
    assert "Left the class" in detail


def test_an_admin_may_remove(klass):
    _, remove = _urls(klass)
    assert logged_in(AdminFactory()).post(remove).status_code == 302
    assert not _enrolled(klass)


@pytest.mark.parametrize("who", ["other_teacher", "learner", "anonymous"])
def test_nobody_else_may_confirm_or_remove(klass, who):
    confirm, remove = _urls(klass)
    client = {
        "other_teacher": lambda: logged_in(TeacherFactory()),
        "learner": lambda: logged_in(klass.learner),
        "anonymous": Client,
    }[who]()
    for response in (client.get(confirm), client.post(remove)):
        assert response.status_code in (302, 403, 404)
        if who == "anonymous":
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        elif who == "other_teacher":
            assert response.status_code == 404
        else:
            assert response.status_code == 403
    assert _enrolled(klass)
    assert not ClassroomDeparture.objects.exists()


def test_an_unknown_learner_is_a_404(klass):
    client = logged_in(klass.teacher)
    url = reverse("classroom-remove-learner-confirm", args=[klass.classroom.pk, 999999])
    assert client.get(url).status_code == 404
