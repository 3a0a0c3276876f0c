# gdb's helpers for the vmcore kernel: `gdb ./linux` (a live kernel, attached
# by pid, or a core file of it) loads this file through the binary's
# .debug_gdb_scripts section (vmcore/boot/gdb_scripts.S).  gdb runs it only
# from a safe path; the one-line hint is in docs/workflows.md:
#     add-auto-load-safe-path /path/to/vmcore
# The commands (vm-ps, vm-task, vm-x, vm-bt, ...) are in vmcore_gdb/;
# `help vm` lists them.
import os
import sys

import gdb

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

import vmcore_gdb  # noqa: E402  (registers the commands)

vmcore_gdb.register()
