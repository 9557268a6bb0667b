from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


class IsTeacherOrAdmin(BasePermission):
    message = "Only teachers and admins may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_teacher or user.is_admin_role))


class IsLearner(BasePermission):
    message = "Only learners may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_learner)
