"""The penalty law as data: statutory tiers, thresholds and general provisions, each with its verbatim source.

See ``law/README.md``; the API is :class:`law.penalties.PenaltyLaw`.
"""

from law.penalties import Bounds, PenaltyLaw, Tier, UnknownChargeError, combined_sentence, combined_term

__all__ = ["Bounds", "PenaltyLaw", "Tier", "UnknownChargeError", "combined_sentence", "combined_term"]
