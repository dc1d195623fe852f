"""Pixels over HTTP: pooled keep-alive connections and retries, through urllib3.

urllib3 because it is the well-kept HTTP library most Python stacks already
carry (requests is built on it): a thread-safe connection pool with keep-alive,
and a ``Retry`` policy with exponential backoff, jitter and ``Retry-After``,
so none of that is written here.

Retry policy: connection errors, 5xx and 429 are retried (429/503 wait for
``Retry-After``, capped), other 4xx are not. A read timeout or a connection
dropped after the request went out is retried too: delivery is at least once.
Identification pixels are upserts, so a duplicate is harmless; an activity may
then count twice, which we prefer over losing it. ``read_retries=0`` makes
delivery at most once instead.
"""

import urllib3

from .errors import DeliveryError
from .pixels import query

ENDPOINTS = {
    "us": "https://sdr.totango.com/pixel.gif/",
    "eu1": "https://sdr-eu1.totango.com/pixel.gif/",
}
# Longer GET URLs are sent as a POST form: proxies and CDNs commonly cut at 2 KB to 8 KB.
MAX_URL_LENGTH = 2000
RETRY_STATUSES = frozenset([429] + list(range(500, 600)))


def retry_policy(retries=5, backoff_factor=0.5, backoff_jitter=0.5, backoff_max=30.0, retry_after_max=60,
                 read_retries=None):
    """The urllib3 ``Retry`` used for every pixel (``Retry-After`` is capped where urllib3 can)."""
    given = dict(
        total=retries, connect=retries, read=retries if read_retries is None else read_retries,
        status=retries, other=0, redirect=False, allowed_methods=frozenset(["GET", "POST"]),
        status_forcelist=RETRY_STATUSES, backoff_factor=backoff_factor, backoff_jitter=backoff_jitter,
        backoff_max=backoff_max, respect_retry_after_header=True, raise_on_status=True)
    try:
        return urllib3.Retry(retry_after_max=retry_after_max, **given)
    except TypeError:  # urllib3 releases before retry_after_max
        return urllib3.Retry(**given)


class Transport:
    """Sends pixel parameters to one receiver URL; ``send`` raises DeliveryError on failure."""

    def __init__(self, endpoint, retry, timeout=(5.0, 10.0), pool_size=4, max_url_length=MAX_URL_LENGTH,
                 user_agent="totango_py"):
        self.endpoint = endpoint
        self.max_url_length = max_url_length
        self._retry = retry
        self._timeout = urllib3.Timeout(connect=timeout[0], read=timeout[1])
        self._headers = {"User-Agent": user_agent}
        self._form_headers = dict(self._headers, **{"Content-Type": "application/x-www-form-urlencoded"})
        # One host per client: its connection pool directly, no per-request URL routing.
        self._pool = urllib3.connection_from_url(endpoint, maxsize=pool_size, block=False, retries=retry,
                                                 timeout=self._timeout)
        self._path = urllib3.util.parse_url(endpoint).request_uri
        self._joiner = "&" if "?" in endpoint else "?"

    def request(self, pairs):
        """``(method, url, body)`` for the pixel: GET, or POST form data when the URL would be too long."""
        encoded = query(pairs)
        url = self.endpoint + self._joiner + encoded
        if len(url) <= self.max_url_length:
            return "GET", url, None
        return "POST", self.endpoint, encoded.encode("ascii")

    def send(self, pairs):
        encoded = query(pairs)
        if len(self.endpoint) + 1 + len(encoded) <= self.max_url_length:
            method, path, body, headers = "GET", self._path + self._joiner + encoded, None, self._headers
        else:
            method, path, body, headers = "POST", self._path, encoded.encode("ascii"), self._form_headers
        try:
            response = self._pool.urlopen(method, path, body=body, headers=headers, retries=self._retry,
                                          timeout=self._timeout, preload_content=True, assert_same_host=False)
        except urllib3.exceptions.MaxRetryError as error:
            raise DeliveryError("gave up on %s after retries: %s" % (_where(self.endpoint), error.reason))
        except urllib3.exceptions.HTTPError as error:
            raise DeliveryError("could not send to %s: %s" % (_where(self.endpoint), error))
        if not 200 <= response.status < 300:
            raise DeliveryError("%s answered HTTP %d (not retried)" % (_where(self.endpoint), response.status),
                                response.status)
        return response.status

    def close(self):
        self._pool.close()


def _where(url):
    return url.split("?")[0]
