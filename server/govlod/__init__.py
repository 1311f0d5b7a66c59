"""govlod: linked open data for the governance tables of Italian social-services planning."""

__version__ = "0.1.0"
