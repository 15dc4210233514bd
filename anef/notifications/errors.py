"""How a channel tells the sending task that retrying cannot help."""


class DeliveryRefused(Exception):
    """The provider refused this message for good (a number it cannot reach, a request it rejects, a
    key it does not accept): sending the same request again cannot succeed. The sending task fails the
    notification at once, without waiting for its retries, and administrators see it with the others
    that failed; they send it again once the cause is fixed. Any other exception is taken as
    passing (the provider down or slow) and retried with backoff."""
