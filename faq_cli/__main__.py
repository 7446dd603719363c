"""`python -m faq_cli` runs the same entry point as the `faq` script."""

from faq_cli.cli import main

main()
