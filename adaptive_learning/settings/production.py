"""Production: base settings, plus refusal to start with an insecure configuration.

Everything still comes from the environment; this module only hardens defaults and checks.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ADMINS, ALLOWED_HOSTS, DEBUG, EMAIL_CONFIG, SECRET_KEY, SIMPLE_JWT
from .env import INSECURE_DEFAULT_SECRET_KEY, env

# Backends that would swallow the error reports DJANGO_ADMINS asks for.
MAIL_GOES_NOWHERE = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


def _refuse_insecure_configuration() -> None:
    problems = []
    if DEBUG:
        problems.append("DEBUG must be false in production")
    if SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(set(SECRET_KEY)) < 5:
        problems.append("SECRET_KEY must be set to a long random value (not the default)")
    elif len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY must be at least 50 characters long")
    if SIMPLE_JWT["SIGNING_KEY"] == INSECURE_DEFAULT_SECRET_KEY:
        problems.append("JWT_SIGNING_KEY must not be the default key")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the site's host names (not '*')")
    if ADMINS and EMAIL_CONFIG["EMAIL_BACKEND"] in MAIL_GOES_NOWHERE:
        problems.append("DJANGO_ADMINS is set but EMAIL_URL sends no mail (set an smtp:// URL)")
    if problems:
        raise ImproperlyConfigured("Refusing to start: " + "; ".join(problems) + ".")


_refuse_insecure_configuration()

# TLS ends at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Without METRICS_TOKEN, /metrics answers 403 here unless METRICS_PUBLIC=true says to serve it
# openly (e.g. a cluster where only Prometheus' namespace can reach the pods).
METRICS_PUBLIC = env.bool("METRICS_PUBLIC", default=False)

ENVIRONMENT = "production"
