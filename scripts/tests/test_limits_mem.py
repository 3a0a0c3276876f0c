"""Memory limits: every kind of guest memory is charged to mem= (or to a
limit with a clear errno), so that the host's memory stays bounded.

Each guest program (testcases/memx_*.c) does its work, prints MEMX-WAIT and
waits for a line on its console; meanwhile the host reads the memory
figures of ./linux (VmHWM: its peak, which includes the physmem pages the
kernel touched, as shmem) and of every stub below it, then lets the guest
finish."""
import os
import re
import select
import struct
import subprocess
import time

import pytest

from conftest import (LINUX, NOBODY, guest_cmdline, descendants, run_guest, run_guest_as, run_native,
                      run_native_as, assert_same)

MiB = 1024
LIMIT_KB = 300 * MiB  # the bound on ./linux's (and any stub's) resident memory


def status_kb(pid, field):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Measured:
    def __init__(self, rc, out, err, linux_hwm, linux_rss, stub_hwm, stub_mem, stubs):
        self.rc, self.out, self.err = rc, out, err
        self.linux_hwm, self.linux_rss = linux_hwm, linux_rss
        self.stub_hwm, self.stub_mem, self.stubs = stub_hwm, stub_mem, stubs

    def __repr__(self):
        return ("Measured(rc=%r, linux VmHWM %d kB, VmRSS %d kB, stubs %d, max stub VmHWM %d kB"
                " (anon+PTE %d kB), out=%r, err=%r)"
                % (self.rc, self.linux_hwm, self.linux_rss, self.stubs, self.stub_hwm,
                   self.stub_mem, self.out[-3000:], self.err[-2000:]))


def run_measured(prog, args=(), mem="32M", root=None, timeout=90, extra=()):
    """Run PROG as init; when it says MEMX-WAIT, measure ./linux and its
    stubs; then let it end.  Returns a Measured."""
    p = subprocess.Popen([LINUX] + guest_cmdline(prog, args, mem, root, extra), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    out = b""
    deadline = time.monotonic() + timeout
    hwm = rss = stub_hwm = stub_mem = nstubs = 0
    try:
        fd = p.stdout.fileno()
        while b"MEMX-WAIT\n" not in out:
            left = deadline - time.monotonic()
            assert left > 0, "no MEMX-WAIT in %ss: %r" % (timeout, out[-3000:])
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break  # the kernel ended first: the output says why
                out += chunk
        if b"MEMX-WAIT\n" in out:
            hwm = status_kb(p.pid, "VmHWM")
            rss = status_kb(p.pid, "VmRSS")
            stubs = descendants(p.pid)
            nstubs = len(stubs)
            stub_hwm = max([status_kb(s, "VmHWM") for s in stubs] + [0])
            # a stub's own memory: anonymous pages and page tables; its
            # shmem is physmem, ./linux's memfd of mem= bytes, and counts
            # each mapping of a zero frame again
            stub_mem = max([status_kb(s, "RssAnon") + status_kb(s, "VmPTE") for s in stubs] + [0])
        rest, err = p.communicate(input=b"\n", timeout=max(5, deadline - time.monotonic()))
    except BaseException:
        os.killpg(p.pid, 9)
        p.communicate()
        raise
    rc = 128 - p.returncode if p.returncode < 0 else p.returncode
    return Measured(rc, (out + rest).decode(errors="replace"), err.decode(errors="replace"),
                    hwm, rss, stub_hwm, stub_mem, nstubs)


def assert_bounded(m):
    assert m.linux_hwm, m  # it was measured
    assert m.linux_hwm < LIMIT_KB, m
    assert m.stub_mem < LIMIT_KB, m
    print("./linux VmHWM %d kB, VmRSS %d kB; %d stubs, largest VmHWM %d kB, anon+PTE %d kB"
          % (m.linux_hwm, m.linux_rss, m.stubs, m.stub_hwm, m.stub_mem))


@pytest.fixture
def memroot(tmproot):
    os.mkdir(os.path.join(tmproot, "mnt"))
    os.makedirs(os.path.join(tmproot, "proc"), exist_ok=True)
    return tmproot


@pytest.mark.hole(8)
def test_sparse_tmpfs_pwrite_far_out(memroot):
    """Two 1-byte pwrites at 1 TiB (and 2^62) into tmpfs files with mem=32M:
    the page-cache index follows the pages, not the offsets."""
    m = run_measured("memx_sparse", ["/mnt"], mem="32M", root=memroot)
    assert m.rc == 0 and not re.search(r"^FAIL", m.out, re.M) and "fails 0" in m.out, m
    assert_bounded(m)


@pytest.mark.hole(9)
def test_read_only_anonymous_memory_is_the_zero_page(memroot):
    """1 GiB of read-only anonymous memory read fully with mem=32M: no
    frame taken, nothing charged, committed memory still all there."""
    m = run_measured("memx_zero", ["1024"], mem="32M", root=memroot)
    assert m.rc == 0 and not re.search(r"^FAIL", m.out, re.M) and "fails 0" in m.out, m
    assert "Out of memory" not in m.err, m
    # making it all writable would need the memory: refused, not overcommitted
    assert "mprotect all: Cannot allocate memory" in m.out, m
    assert_bounded(m)


@pytest.mark.hole(8)
def test_more_mappings_than_a_host_process_may_have(memroot):
    """9 GiB of read-only anonymous memory read one page in every 32 (some
    73,000 separate host mappings, past the host's vm.max_map_count of
    65530 for one stub), by a child and then by its parent, both writing
    the pages they share copy-on-write in between: Linux runs it, and so
    must we (the stub's host mappings are dropped and fault back in), with
    every page intact and neither process seeing the other's writes.  The
    host refused the mapping and the kernel killed the process before."""
    m = run_measured("memx_hostvmas", ["9"], mem="256M", root=memroot, timeout=120)
    assert m.rc == 0 and not re.search(r"^FAIL", m.out, re.M) and "fails 0" in m.out, m
    assert "cannot update the host mappings" not in m.err, m
    assert_bounded(m)
    native = run_native("memx_hostvmas", ["9"])
    assert native.rc == 0 and "fails 0" in native.out, native


@pytest.mark.hole(9)
def test_full_tmpfs_is_enospc_and_keeps_the_data(memroot):
    m = run_measured("memx_tmpfull", ["/mnt", "1m"], mem="32M", root=memroot)
    assert m.rc == 0 and not re.search(r"^FAIL", m.out, re.M) and "fails 0" in m.out, m
    # size=1m holds exactly 1 MiB
    assert "stored 1048576 bytes" in m.out, m
    assert_bounded(m)


@pytest.mark.hole(9)
def test_tmpfs_default_size_is_half_of_mem(memroot):
    """No size=: half of mem= (16 MiB of mem=32M), then ENOSPC."""
    m = run_measured("memx_tmpfull", ["/mnt", "50%"], mem="32M", root=memroot)
    assert m.rc == 0 and "fails 0" in m.out, m
    assert "stored %d bytes" % (16 << 20) in m.out, m


@pytest.mark.hole(9)
def test_full_tmpfs_like_linux(memroot, tmp_path):
    """The same program natively on a Linux tmpfs of the same size prints
    the same (the host's own tmpfs, mounted by the program)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs natively needs root")
    mnt = tmp_path / "native-mnt"
    mnt.mkdir()
    prog = os.path.join(memroot, "memx_tmpfull")
    try:
        n = subprocess.run([prog, str(mnt), "1m"], input=b"\n", capture_output=True, timeout=60)
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
    g = run_measured("memx_tmpfull", ["/mnt", "1m"], mem="32M", root=memroot)
    assert g.rc == n.returncode == 0, (g, n)
    assert g.out.splitlines()[:len(n.stdout.decode().splitlines())] == n.stdout.decode().splitlines()


@pytest.mark.hole(8)
def test_many_pipes_bounded(memroot):
    """20,000 pipes in processes of up to 1000 each, every pipe filled, with
    mem=32M: the pipes' pages are guest memory; past it, pipe() and write()
    fail with Linux's errnos, and the host's memory stays bounded."""
    m = run_measured("memx_pipes", ["20000", "1000", "65536"], mem="32M", root=memroot)
    assert m.rc == 0, m
    lines = m.out.splitlines()
    summary = [l for l in lines if l.startswith("pipes ")]
    assert summary, m
    errors = {l.split()[-1] for l in lines if " error " in l}
    # memory ran out for the data, and file-max (8192 files) for the pipes
    assert errors and errors <= {"ENFILE", "ENOMEM", "EMFILE"}, m
    assert "write error ENOMEM" in lines, m
    assert_bounded(m)


@pytest.mark.hole(8)
def test_20000_idle_pipes(memroot):
    """20,000 pipes with 1 byte each: with mem=32M guest root, which file-max
    (8192 open files, as Linux's for 32 MiB) does not bind, runs out of
    memory for their pages (ENOMEM) before the ceiling of open files (one
    per KiB of mem=, ENFILE); with mem=1G all are made, and past the
    per-user soft limit (16384 pages) new pipes get 2 pages, as on Linux."""
    m = run_measured("memx_pipes", ["20000", "1000", "1"], mem="32M", root=memroot)
    assert m.rc == 0, m
    assert re.search(r"(pipe error |no report \()(ENOMEM|ENFILE)", m.out), m
    made = int(m.out.split("pipes ")[1].split()[0])
    assert 4000 < made < 16384, m
    assert_bounded(m)
    m = run_measured("memx_pipes", ["20000", "1000", "1"], mem="1G", root=memroot)
    assert m.rc == 0, m
    assert "pipes 20000 bytes 20000 sizes 8192..65536" in m.out, m
    assert " error " not in m.out, m
    # 20,000 pipes and their pages: far below what 64 KiB buffers would be
    assert_bounded(m)


def test_pipe_soft_limit_natively_too(memroot):
    """The 2-page pipes past pipe-user-pages-soft are Linux's (for a user
    without CAP_SYS_RESOURCE: here, nobody)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to become nobody")
    prog = os.path.join(memroot, "memx_pipes")
    n = subprocess.run([prog, "2000", "1000", "1"], input=b"\n", capture_output=True, timeout=60,
                       env={"MEMX_NOBODY": "1"})
    assert n.returncode == 0, n
    assert b"pipes 2000 bytes 2000 sizes 8192..65536" in n.stdout, n


def big_file(root, mib):
    """A file of MIB MiB whose 8 bytes at each page are the page's index."""
    path = os.path.join(root, "big")
    page = bytearray(4096)
    with open(path, "wb") as f:
        for i in range(mib * 256):
            page[:8] = struct.pack("<Q", i)
            f.write(page)
    return "/big"


@pytest.mark.hole(9)
def test_file_mapping_larger_than_memory(memroot):
    """A 256 MiB hostfs file mapped and read fully (twice, then through a
    shared mapping and read(2)) with mem=32M: clean page cache is evicted,
    init survives, every page reads right."""
    name = big_file(memroot, 256)
    m = run_measured("memx_mapread", [name], mem="32M", root=memroot, timeout=120)
    assert "Out of memory" not in m.err, m
    assert m.rc == 0 and not re.search(r"^FAIL", m.out, re.M) and "fails 0" in m.out, m
    assert_bounded(m)


@pytest.mark.hole(9)
def test_cache_mapped_by_a_stopped_process_is_reclaimed(memroot):
    """A child maps the 256 MiB file, reads it all and stops (SIGSTOP),
    its mapping full of page cache; the parent then touches most of what
    the commit limit gives it: the stopped child's clean pages make room,
    nobody is OOM-killed."""
    name = big_file(memroot, 256)
    m = run_measured("memx_mapread", [name, "hold"], mem="32M", root=memroot, timeout=120)
    assert "Out of memory" not in m.err, m
    assert m.rc == 0 and "fails 0" in m.out, m
    assert_bounded(m)


@pytest.mark.hole(9)
def test_cache_mapped_by_a_running_process_is_reclaimed(memroot):
    """The same with a child that goes on running guest code (a busy loop):
    the faulting parent has it kicked out of user mode; the child's own
    task thread drops its mapped cache and flushes its stub, and the
    parent's fault is retried."""
    name = big_file(memroot, 256)
    m = run_measured("memx_mapread", [name, "spin"], mem="32M", root=memroot, timeout=120)
    assert "Out of memory" not in m.err, m
    assert m.rc == 0 and "fails 0" in m.out, m
    assert_bounded(m)


@pytest.mark.hole(8)
@pytest.mark.parametrize("seed", [7, 12345])
def test_fuzz_allocator_bounded(memroot, seed):
    """A seeded mix of mmap/munmap/mprotect, sparse tmpfs writes, pipes,
    big read-only mappings and forks with mem=64M and strict accounting
    (vm.overcommit_memory=2): only errnos, nobody killed, host memory
    bounded."""
    m = run_measured("memx_fuzz", [str(seed), "1500"], mem="64M", root=memroot, timeout=120,
                     extra=["sysctl.vm.overcommit_memory=2"])
    assert "Out of memory" not in m.err, m
    assert m.rc == 0 and "unexpected 0" in m.out, m
    assert_bounded(m)


@pytest.mark.hole(8)
def test_mappings_bounded_like_linux():
    """vm.max_map_count (65530): mprotect splits and new mappings stop with
    ENOMEM where Linux's do; munmap still works."""
    g = run_guest("memx_maps", mem="32M", timeout=120)
    n = run_native("memx_maps", timeout=120)
    assert "stopped by ENOMEM" in n.out, n
    assert_same(g, n, "memx_maps")


@pytest.mark.hole(8)
def test_tmpfs_inodes_and_links_like_linux(memroot, tmp_path):
    """nr_inodes= counts files and extra hard links (each name is host
    memory), as Linux's tmpfs does: ENOSPC past it, room again after an
    unlink."""
    g = run_guest("memx_inodes", ["/mnt"], mem="32M", root=memroot)
    assert g.rc == 0, g
    assert "files: 99, then ENOSPC" in g.out, g
    if os.geteuid() != 0:
        return
    mnt = tmp_path / "native-mnt"
    mnt.mkdir()
    try:
        n = subprocess.run([os.path.join(memroot, "memx_inodes"), str(mnt)], capture_output=True,
                           timeout=30)
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
    assert n.returncode == 0 and g.out == n.stdout.decode(), (g, n)


@pytest.mark.hole(8)
@pytest.mark.parametrize("seed", ["3", "4"])
def test_fuzz_mm_in_small_memory(seed):
    """The mm fuzzer (random MAP_FIXED shared and private, anonymous and
    file mappings, partial munmaps, mremaps) with mem=32M: shared anonymous
    memory is charged to its object for as long as it lives, and shared
    writable hostfs pages are written back and reclaimed, so nobody is
    OOM-killed."""
    g = run_guest("fuzz_mm", ["20000", seed], mem="32M", timeout=120)
    assert g.rc == 0 and "mmfuzz survived" in g.out, g
    assert "Out of memory" not in g.err, g


@pytest.mark.hole(9)
@pytest.mark.parametrize("prog", ["memx_commit", "memx_commit-pie"])
def test_fork_charges_no_text(prog, tmproot):
    """A fork charges the child's private writable mappings to the commit
    limit, not its text: the ELF loader once mapped every segment writable
    (to clear the end of .bss) and mprotected it after, which left text and
    read-only data charged (1,096 kB per process instead of 332 kB), and 8
    workers with a thread each could not fork under mem=32M."""
    g = run_guest(prog, root=tmproot)
    assert g.rc == 0 and g.out.startswith("ok fork charges"), g


def test_locked_memory_bounded(memroot):
    """mlockall(MCL_CURRENT|MCL_FUTURE), then 40 MiB of mappings, each
    populated as it is made: locked memory is guest memory, taken from
    mem= and bounded as any other (a GiB more than mem= is refused)."""
    m = run_measured("mlock", ["big"], mem="64M", root=memroot)
    assert m.rc == 0 and "big mmap: ENOMEM" in m.out and "locked MiBs resident: 32" in m.out, m
    assert_bounded(m)


@pytest.mark.hole(8)
def test_vmas_of_all_processes_bounded():
    """vm.max_map_count binds one process; all VMAs together are bounded by
    mem= (a fuzzer's processes split mappings into millions of them:
    gigabytes of host heap).  16 processes each asking for 65,000 VMAs in a
    32 MiB guest meet ENOMEM, the host memory bound holds, and once they are
    gone splits work again."""
    g = run_guest("memx_vmas", ["16", "65000"], mem="32M", timeout=120)
    m = re.search(r"vmas: (\d+) in 16 processes, (\d+) met ENOMEM", g.out)
    assert m, g
    assert int(m.group(2)) > 0 and int(m.group(1)) <= 2 * 65530 + 64, g.out
    assert "after: splits work again" in g.out, g.out


@pytest.mark.parametrize("mode", ["guess", "always", "never"])
def test_overcommit_modes(tmproot, mode):
    """vm.overcommit_memory as Linux's: 0 by default, where reservations
    may add up past memory and only one request larger than all of it is
    ENOMEM; 1 refuses nothing; 2 refuses past the commit limit (mmap and
    fork ENOMEM); other values EINVAL."""
    g = run_guest("memx_overcommit", [mode], mem="64M", root=tmproot)
    assert g.rc == 0 and "== %s done" % mode in g.out, g.out
    assert "overcommit_memory 0\n" in g.out, g.out
    if mode == "never":
        for line in ["overcommit_memory 2", "reserve 3/4: ok", "reserve 3/4 again: ENOMEM",
                     "fork holding 3/4: ENOMEM", "write 3: EINVAL", "write -1: EINVAL"]:
            assert line + "\n" in g.out, g.out
    else:
        assert "children reserving 48 MiB each: 4 of 4 could" in g.out, g.out
        assert "committed over memory: 1" in g.out, g.out
        want = "ok" if mode == "always" else "ENOMEM"
        assert "one request over all memory: %s\n" % want in g.out, g.out
    assert "Out of memory" not in g.out + g.err, g.err


def test_oom_killer_takes_the_biggest(tmproot):
    """Memory runs out under overcommit: the process holding the most is
    killed (SIGKILL, the kernel's line naming it), the faulting one goes on;
    one that is itself the biggest is killed; init and the kernel go on."""
    g = run_guest("memx_overcommit", ["oom"], mem="64M", root=tmproot)
    assert g.rc == 0 and "== oom done" in g.out, g.out
    assert "toucher: exited 0\nholder: killed by signal 9\n" in g.out, g.out
    assert "toucher of all memory: killed by signal 9" in g.out and "init survives" in g.out, g.out
    kills = re.findall(r"Out of memory: Killed process (\d+) \(memx_overcommit\) total-vm:\d+kB, rss:(\d+)kB", g.err)
    assert len(kills) == 2 and int(kills[0][1]) > 30000, g.out + g.err


def test_oom_score_adj_like_linux(procroot):
    """/proc/PID/oom_score_adj, oom_adj and oom_score: values, the legacy
    scale, EINVAL and EACCES, fork and threads, as root and as nobody
    against native runs.  (This host's root may lack CAP_SYS_RESOURCE, as
    in a container: then its run is the unprivileged one, and the guest's
    root, which has it, must be allowed to lower the value.)"""
    g = run_guest_as(NOBODY, "oom_adj", root=procroot)
    n = run_native_as(NOBODY, "oom_adj")
    assert_same(g, n, "oom_adj as nobody")
    g = run_guest("oom_adj", root=procroot)
    n = run_native("oom_adj")
    if "CAP_SYS_RESOURCE yes" in n.out:
        assert_same(g, n, "oom_adj as root")
    else:
        assert g.rc == 0 and "CAP_SYS_RESOURCE yes" in g.out, g
        for line in ("write oom_adj 4: ok", "write oom_score_adj -1: ok", "write oom_score_adj -500: ok",
                     "write oom_score_adj -600: ok", "-600?: oom_score_adj -600 oom_adj -10",
                     "write oom_score_adj -1000: ok", "child: oom_score_adj 250 oom_adj 4",
                     "after the thread: oom_score_adj 123 oom_adj 2", "write oom_score 5: EINVAL"):
            assert line + "\n" in g.out, (line, g.out)


def test_oom_killer_weighs_oom_score_adj(tmproot):
    """A process holding 60% of memory with oom_score_adj -1000 is never
    taken; one holding nothing with +1000 goes first; then the toucher,
    the biggest left.  Trinity's main process protects itself this way
    and was killed before its children."""
    g = run_guest("memx_overcommit", ["adj"], mem="64M", root=tmproot)
    assert g.rc == 0 and "== adj done" in g.out, g.out + g.err
    assert "toucher: killed by signal 9\nsmall: killed by signal 9\nholder: exited 0\n" in g.out, g.out
    kills = re.findall(r"Out of memory: Killed process (\d+) \(memx_overcommit\) total-vm:\d+kB, rss:(\d+)kB",
                       g.err)
    assert len(kills) == 2 and int(kills[0][1]) < 4096 < int(kills[1][1]), g.err


def test_no_call_writes_past_its_buffer(procroot):
    """Short buffers (0, 1, 3, 7 bytes) to the calls that fill one
    (readlink, getcwd, reads, getdents64, listxattr, sched_getaffinity,
    getgroups, socket addresses and options...): not a byte written past
    them, as Linux (a NUL or a whole structure past a short buffer
    corrupts the caller's heap)."""
    g = run_guest("oob_write", root=procroot)
    assert g.rc == 0 and "fails 0" in g.out, g
    n = run_native("oob_write")
    assert n.rc == 0 and "fails 0" in n.out, n
    # the same results where they do not depend on paths
    same = lambda out: [l for l in out.splitlines() if not l.startswith(("readlinkat", "getcwd", "ok "))]
    assert same(g.out) == same(n.out), (g.out, n.out)
