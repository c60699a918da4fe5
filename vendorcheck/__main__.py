"""`python -m vendorcheck` runs the vendorcheck command (for machines without the script)."""

from vendorcheck.cli import main

main()
