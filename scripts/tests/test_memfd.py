"""memfd_create and file seals (vmcore/fs/memfd.c), preadv2/pwritev2:
compared with native runs."""
from conftest import assert_same, run_guest, run_native


def test_memfd_seals_and_rw2(tmproot):
    g = run_guest("memfd", root=tmproot)
    assert_same(g, run_native("memfd"), "memfd")
    assert g.rc == 0 and "FAIL" not in g.out and g.out.count("ok ") >= 40, g
