#!/bin/sh
# Install the Debian packages vmcore needs, only those that are missing:
# the build's, and everything the test suite and the README's commands
# call (lcov and gcovr for the coverage reports, strace for the trace's
# side-by-side comparisons, trinity for the fuzz tests, Python's own
# regression tests for scripts/pysuite.py, iproute2's ip for test_netlink,
# GNU parallel for scripts/vmtest --hosts), so that nothing is skipped for
# want of a tool.
set -e
PKGS="gcc make git busybox-static gdb gdbserver libelf-dev libdw-dev python3-pytest cpio elfutils
	lcov gcovr strace trinity libpython3.11-testsuite sqlite3 xz-utils util-linux bsdutils iproute2 parallel $*"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: run as root, or install these Debian packages:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true
apt-get install -y -qq $missing >/dev/null
