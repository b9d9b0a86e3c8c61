"""MWMS Desktop: run client relationships through the six-stage lifecycle, offline."""

__version__ = "0.1.0"
APP_NAME = "MWMS Desktop"
