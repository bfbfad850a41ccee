"""`python -m kuma`: the same command line as the `kuma` executable (the entry point the binary freezes)."""

from kuma.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
