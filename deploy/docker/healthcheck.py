"""Docker HEALTHCHECK for the web container: GET /health with the standard library only.

Django answers 400 to a Host it does not allow, so the request names the first concrete host
of ALLOWED_HOSTS, and says it came over HTTPS as the load balancer would, so that
SECURE_SSL_REDIRECT does not answer with a redirect.
"""

import os
import sys
import urllib.request


def _host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health",
        headers={"Host": _host(), "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - fixed URL
            return 0 if response.status == 200 else 1
    except Exception as error:
        print(f"healthcheck failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
