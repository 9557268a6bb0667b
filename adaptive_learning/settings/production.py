"""Production: base settings, plus refusal to start with an insecure configuration.

Everything still comes from the environment; this module only hardens defaults and checks.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ADMINS,
    ALLOWED_HOSTS,
    CACHES,
    CONTENT_SECURITY_POLICY,
    DEBUG,
    EMAIL_CONFIG,
    REDIS_URL,
    SECRET_KEY,
    SIMPLE_JWT,
    STORAGES,
)
from .env import INSECURE_DEFAULT_SECRET_KEY, env

# Backends that would swallow the error reports DJANGO_ADMINS asks for.
MAIL_GOES_NOWHERE = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


if not REDIS_URL:
    # Users cached by access token must be seen by every process on every machine, or a logout
    # on one pod would leave the token working on another: without Redis, no such cache.
    CACHES["auth"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}


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


# Static files from S3 behind CloudFront when STATIC_STORAGE=s3 (deploy/README.md, "Static
# files"); otherwise whitenoise serves them from the image, which needs no AWS resources.
# collectstatic uploads them with hashed names from the migration Job (deploy/docker/migrate);
# old hashed files stay, so pods of the previous release keep working during a rollout.
STATIC_STORAGE = env.str("STATIC_STORAGE", default="whitenoise")
if STATIC_STORAGE not in {"whitenoise", "s3"}:
    raise ImproperlyConfigured("STATIC_STORAGE must be whitenoise or s3")
if STATIC_STORAGE == "s3":
    _static_cdn_domain = env.str("STATIC_CDN_DOMAIN", default="")
    _static_location = env.str("STATIC_S3_LOCATION", default="static")
    if not _static_cdn_domain:
        raise ImproperlyConfigured(
            "STATIC_STORAGE=s3 needs STATIC_CDN_DOMAIN (the CloudFront host)"
        )
    # django-storages reads its S3 options from these settings (only the static files use it;
    # backups call boto3 themselves).
    STORAGES = {
        **STORAGES,
        "staticfiles": {"BACKEND": "storages.backends.s3.S3ManifestStaticStorage"},
    }
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_LOCATION = _static_location
    # URLs point at CloudFront, unsigned: the bucket is private and only CloudFront's origin
    # access control may read it.
    AWS_S3_CUSTOM_DOMAIN = _static_cdn_domain
    AWS_QUERYSTRING_AUTH = False
    AWS_DEFAULT_ACL = None
    # Hashed names never change content, so browsers and CloudFront may keep them for a year.
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    STATIC_URL = env.str("STATIC_URL", default=f"https://{_static_cdn_domain}/{_static_location}/")
    # Pages load their scripts, styles, fonts and images from the CDN's origin.
    _cdn_origin = f"https://{_static_cdn_domain}"
    CONTENT_SECURITY_POLICY = {
        **CONTENT_SECURITY_POLICY,
        "DIRECTIVES": {
            **CONTENT_SECURITY_POLICY["DIRECTIVES"],
            **{
                directive: [*CONTENT_SECURITY_POLICY["DIRECTIVES"][directive], _cdn_origin]
                for directive in ("script-src", "style-src", "img-src", "font-src")
            },
        },
    }

ENVIRONMENT = "production"
