"""``python -m graphbuild`` runs the command-line interface."""
from .cli import main

main()
