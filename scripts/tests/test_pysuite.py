"""scripts/pysuite.py, Python's regression suite as a yardstick: a short
run of two modules natively and in the guest, read back from its table."""
import os
import re
import subprocess

from conftest import REPO


def test_pysuite_table(tmp_path):
    """test_string passes whole in the guest as natively; test_stat (which
    needs AF_UNIX sockets at import, the next issue) is a crash in the
    guest, passes natively and is listed but not counted; the Markdown
    table has both rows and the counted total."""
    md = tmp_path / "table.md"
    r = subprocess.run(["/usr/bin/python3", os.path.join(REPO, "scripts", "pysuite.py"),
                        "--timeout", "120", "--markdown", str(md), "test_string", "test_stat"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r
    rows = {l.split("|")[1].strip(): l for l in md.read_text().splitlines() if l.startswith("| test")}
    string = rows["test_string"].split("|")
    assert re.match(r" 38/38/0/0/0 SUCCESS ", string[2]), rows
    assert string[2].split()[0] == string[3].split()[0], rows  # guest == native
    stat = rows["test_stat (net, not counted)"].split("|")
    assert re.match(r" 16/14/0/0/2 SUCCESS ", stat[2]), rows
    assert "CRASH(import)" in stat[3] or stat[3].split()[0] == "16/14/0/0/2", rows
    assert "| TOTAL (counted) | 38/38/0/0/0 | 38/38/0/0/0 |" in md.read_text(), md.read_text()
