"""Corners of open(2) against native runs: a trailing slash with O_CREAT is
EISDIR whatever the name holds (shutil.copyfile's "directory does not
exist" depends on it; vmcore once created a file "new" for "new/")."""
from conftest import assert_same, run_guest, run_native


def test_open_trailing_slash(tmproot):
    g = run_guest("open_edge", root=tmproot)
    assert_same(g, run_native("open_edge", root=tmproot), "open_edge")
    assert "O_CREAT new/: EISDIR" in g.out and "new/ created nothing: ENOENT" in g.out, g
