"""What a running ./linux costs the host in memory, measured from outside.

A guest's memory lives in the kernel's physical-memory file (a memfd,
"vmcore-physmem") that ./linux and every stub map shared, so VmRSS of any
one process neither shows it all nor only once.  The honest figure is:
    the kernel's own anonymous memory (its heap, stacks, tables)
  + the pages of the physmem file that are resident (mincore over it)
  + the stubs' own anonymous memory and page tables.
"""
import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mmap.restype = ctypes.c_void_p
_libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                       ctypes.c_long]
_libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
_libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
PAGE = os.sysconf("SC_PAGE_SIZE")


def _status(pid):
    res = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if v.strip().endswith("kB"):
                    res[k] = int(v.split()[0]) * 1024
    except OSError:
        pass
    return res


def host_fds(pid):
    """How many host descriptors PID holds."""
    return len(os.listdir("/proc/%d/fd" % pid))


def vm_rss_kib(pid):
    """PID's VmRSS in KiB (0 once it is gone)."""
    return _status(pid).get("VmRSS", 0) // 1024


def vm_hwm_kib(pid):
    """PID's VmHWM (peak resident set) in KiB (0 once it is gone)."""
    return _status(pid).get("VmHWM", 0) // 1024


def resident_bytes_of_memfd(pid, name="vmcore-physmem"):
    """Resident bytes of PID's memfd NAME (0 if it has none)."""
    fd_dir = "/proc/%d/fd" % pid
    try:
        links = os.listdir(fd_dir)
    except OSError:
        return 0
    for n in links:
        try:
            target = os.readlink(os.path.join(fd_dir, n))
        except OSError:
            continue
        if target.startswith("/memfd:" + name):
            try:
                fd = os.open(os.path.join(fd_dir, n), os.O_RDONLY)
            except OSError:
                return 0
            try:
                size = os.fstat(fd).st_size
                if not size:
                    return 0
                addr = _libc.mmap(None, size, 1, 1, fd, 0)  # PROT_READ, MAP_SHARED
                if addr in (None, ctypes.c_void_p(-1).value):
                    return 0
                try:
                    npages = (size + PAGE - 1) // PAGE
                    vec = ctypes.create_string_buffer(npages)
                    if _libc.mincore(addr, size, vec) != 0:
                        return 0
                    return sum(b & 1 for b in vec.raw) * PAGE
                finally:
                    _libc.munmap(addr, size)
            finally:
                os.close(fd)
    return 0


def children_of(pid):
    """PID's child processes (from /proc/PID/task/*/children)."""
    kids = []
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return kids
    for t in tasks:
        try:
            with open("/proc/%d/task/%s/children" % (pid, t)) as f:
                kids += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            pass
    return kids


def host_memory(pid):
    """{'kernel_anon', 'physmem', 'stubs', 'total'} in bytes for the
    ./linux of host pid PID (its stubs are its child processes)."""
    st = _status(pid)
    kernel_anon = st.get("RssAnon", 0) + st.get("VmPTE", 0)
    physmem = resident_bytes_of_memfd(pid)
    stubs = 0
    for c in children_of(pid):
        cs = _status(c)
        stubs += cs.get("RssAnon", 0) + cs.get("VmPTE", 0)
    return {"kernel_anon": kernel_anon, "physmem": physmem, "stubs": stubs,
            "total": kernel_anon + physmem + stubs}
