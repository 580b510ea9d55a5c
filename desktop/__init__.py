"""Дорожные карты: services, import/export and the command line (no Qt outside app.py)."""

__version__ = "0.1.0"
