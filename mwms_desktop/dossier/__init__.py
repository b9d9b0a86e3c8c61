"""The learning-preservation dossier: a PDF of the whole client relationship.

``export_dossier`` writes one engagement, ``export_portfolio`` several with a portfolio
summary first. See :mod:`mwms_desktop.dossier.export`.
"""

from mwms_desktop.dossier.export import DossierResult, export_dossier, export_portfolio
from mwms_desktop.errors import DossierError

__all__ = ["DossierError", "DossierResult", "export_dossier", "export_portfolio"]
