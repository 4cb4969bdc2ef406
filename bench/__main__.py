"""`python -m bench [name]`: run one benchmark or all of them."""

from __future__ import annotations

import sys


def main() -> None:
    names = sys.argv[1:]
    if not names:
        print("usage: python -m bench <name> (see bench/README.md)")
        return


if __name__ == "__main__":
    main()
