"""faq: answers from a curated YAML catalogue, at the terminal."""

__version__ = "0.1.0"
