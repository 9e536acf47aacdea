"""Outlier outcomes and consistency reports (同案不同判预警, DOMAIN.md §6).

``targets`` (comparable outcomes), ``features`` and ``statutory`` (outcome drivers, statutory ranges), ``design``
(the model's rows), ``model`` (expected outcome, calibrated interval, similar cases), ``flags`` (deviation, drivers,
reason codes), ``training`` (the model of an index), ``audit`` (batch audit), ``report``/``charts``/``export``
(consistency reports as HTML and Word). Nothing here ranks or scores judges.
"""
