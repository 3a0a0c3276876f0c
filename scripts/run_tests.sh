#!/bin/sh
# The test suite: pytest over scripts/tests, with Debian's python3.
cd "$(dirname "$0")/.." || exit 1
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider scripts/tests "$@"
