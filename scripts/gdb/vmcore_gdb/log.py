"""The kernel log: vm-dmesg (kernel/printk.c's ring buffer), as Linux's
lx-dmesg."""
import gdb

from . import utils


class VmDmesg(utils.Command):
    """Print the kernel log: vm-dmesg.

The ring buffer of kernel/printk.c, oldest line first, as the guest's
dmesg (syslog(2)) reads it."""

    def __init__(self):
        super().__init__("vm-dmesg")

    def run(self, arg):
        utils.no_args(arg, "vm-dmesg")
        buf = utils.symbol("log_buf")
        size = buf.type.sizeof
        start, n = int(utils.symbol("log_start")), int(utils.symbol("log_len"))
        if not 0 <= start < size or not 0 <= n <= size:
            raise gdb.GdbError("vm-dmesg: the log's indexes are corrupt (start %d, length %d)" % (start, n))
        data = utils.read(buf.address, size)
        text = (data[start:] + data[:start])[:n] if start + n > size else data[start:start + n]
        gdb.write(text.decode("utf-8", "replace"))


VmDmesg()
