"""``python -m coalition.cli``."""

from coalition.cli import main

main()
