"""Shared helpers: the kernel's types and symbols, memory reads that turn
into gdb errors, argument parsing.  Nothing here calls into the inferior."""
import gdb

_types = {}


class Command(gdb.Command):
    """A vm- command: run(arg) does the work; a gdb error on the way (a
    read of memory a core lacks, a corrupt pointer) becomes the command's
    one-line error, never a Python traceback."""

    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_DATA, gdb.COMPLETE_NONE)
        self.name = name

    def invoke(self, arg, from_tty):
        try:
            self.run(arg)
        except gdb.GdbError:
            raise
        except (gdb.error, RecursionError, ValueError, OverflowError) as e:
            raise gdb.GdbError("%s: %s" % (self.name, e))

    def run(self, arg):
        raise NotImplementedError


def type_of(name):
    t = _types.get(name)
    if t is None:
        try:
            t = gdb.lookup_type(name)
        except gdb.error:
            raise gdb.GdbError("the kernel's type '%s' is unknown: is this ./linux with its "
                               "debug information?" % name)
        _types[name] = t
    return t


def symbol(name):
    """The value of a global or file-static variable of the kernel."""
    s = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
    if s is None:
        raise gdb.GdbError("the kernel's symbol '%s' is unknown: is this ./linux?" % name)
    return s.value()


def need_process():
    if gdb.selected_inferior().pid == 0 and not gdb.selected_inferior().threads():
        raise gdb.GdbError("no kernel to look at: attach to ./linux (gdb ./linux PID) "
                           "or open a core file (gdb ./linux CORE)")


def read(addr, n):
    """n bytes of the inferior's memory at addr."""
    try:
        return gdb.selected_inferior().read_memory(int(addr), n).tobytes()
    except gdb.MemoryError:
        raise gdb.GdbError("cannot read %d bytes of the kernel's memory at %#x" % (n, int(addr)))


def read_upto(addr, n):
    """Up to n bytes at addr, fewer where a page boundary ends what can be
    read; b"" when nothing can."""
    try:
        return gdb.selected_inferior().read_memory(addr, n).tobytes()
    except gdb.MemoryError:
        k = 4096 - addr % 4096
        if k < n:
            return read_upto(addr, k)
        return b""


def u64(addr):
    return int.from_bytes(read(addr, 8), "little")


def cstr(val, limit=4096):
    """A char * or char[] of the kernel as a Python string."""
    try:
        t = val.type.strip_typedefs()
        if t.code == gdb.TYPE_CODE_ARRAY:
            n = t.sizeof
            if n == 0:  # a flexible array member (struct dentry's name)
                val = val.address.cast(gdb.lookup_type("char").pointer())
            else:
                return read(val.address, n).split(b"\0")[0].decode("latin-1")
        addr = int(val)
        if addr == 0:
            return None
        out = b""
        while len(out) < limit:
            chunk = read_upto(addr + len(out), 256)
            if not chunk:
                break
            k = chunk.find(b"\0")
            if k >= 0:
                return (out + chunk[:k]).decode("latin-1")
            out += chunk
        return out[:limit].decode("latin-1")
    except gdb.GdbError:
        return "<unreadable at %#x>" % int(val)


def parse_int(word, what, cmd):
    try:
        v = int(gdb.parse_and_eval(word)) if not word.lstrip("-").isdigit() else int(word)
    except (gdb.error, ValueError):
        raise gdb.GdbError("%s: %s is not a number: %r" % (cmd, what, word))
    return v


def args(arg, names, cmd):
    """arg split into len(names) words, or a usage error."""
    words = gdb.string_to_argv(arg)
    if len(words) != len(names):
        raise gdb.GdbError("usage: %s %s" % (cmd, " ".join(names)))
    return words


def no_args(arg, cmd):
    """A command that takes no arguments, on a kernel to look at."""
    need_process()
    if arg.strip():
        raise gdb.GdbError("usage: %s" % cmd)


def list_of(head, field="next"):
    """The nodes of a circular list whose head is a struct (not a pointer):
    head.next ... until back at head."""
    start = head.address
    node = head[field]
    n = 0
    while int(node) != int(start):
        yield node
        node = node[field]
        n += 1
        if n > 1000000:
            raise gdb.GdbError("a list of the kernel's at %#x does not end" % int(start))
