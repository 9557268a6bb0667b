from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "apps.assessments"
    label = "assessments"
    verbose_name = "Assessments and responses"
