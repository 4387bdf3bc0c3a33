"""casereview: audits of older people's journeys through hospital, community and social care."""

__version__ = "0.1.0"
