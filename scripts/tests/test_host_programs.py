"""The host's own Debian programs in the guest, step by step, against the
same steps natively (issue 12's list: what coreutils, tar, gzip, xz, su,
runuser, make, script, flock and sqlite3 take for granted).

The guest's root is the host's own, read-only (hostfs root=/ ro); its init
is the host's /bin/sh, which mounts proc and a fresh tmpfs on /tmp and
runs the step there.  Natively the same script runs under `unshare -m`
(a private mount namespace: the host's /tmp is never touched).  A step
prints only what is the same on both sides (values it set, relations,
messages; never inode numbers, pids or the clock), and its output and
status must be the same.
"""
import subprocess

import pytest

from conftest import PRIVATE_MOUNTS, run_linux

# (the guest's init, pid 1, also mounts devpts as an init does; natively a
# new devpts instance would not be the host's /dev/ptmx's)
PRELUDE = ("exec 2>&1; mount -t proc proc /proc 2>/dev/null; "
           "[ $$ = 1 ] && mount -t devpts -o mode=620,ptmxmode=666 devpts /dev/pts; "
           "mount -t tmpfs -o mode=1777 tmpfs /tmp && "
           "cd /tmp && export PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME=/tmp LANG=C TZ=UTC && "
           "umask 022 && ")

# name: shell text (run by /bin/sh in /tmp, a fresh tmpfs)
STEPS = {
    "touch_date": "touch -d '2020-01-02 03:04:05' f && stat -c '%y' f",
    "touch_ref": "touch -d '2019-05-06 07:08:09' r && touch f && touch -r r f && "
                 "stat -c '%Y' r f | uniq | wc -l",
    "touch_omit_atime": "touch -d '2001-01-01' f && touch -m -d '2002-02-02' f && "
                        "stat -c '%X %Y' f",
    "cp_a": "mkdir d && echo x > d/f && chmod 640 d/f && touch -d '2020-01-02' d/f && "
            "chown 1:2 d/f && ln -s f d/l && cp -a d e && stat -c '%a %u %g %Y %N' e/f && "
            "stat -c '%a %u %g %N' e/l",
    "cp_preserve_fails_gracefully": "echo x > f && cp --preserve=all f g && cmp f g && echo same",
    "tar_xp": "mkdir d && echo x > d/f && chmod 750 d/f && chown 3:4 d/f && "
              "touch -d '2018-03-04' d/f && tar cf a.tar d && mkdir x && tar xpf a.tar -C x && "
              "stat -c '%a %u %g %Y' x/d/f",
    "tar_z": "mkdir d && seq 1000 > d/f && tar czf a.tgz d && mkdir x && tar xzf a.tgz -C x && "
             "cmp d/f x/d/f && echo same",
    "gzip_keep": "seq 5000 > f && touch -d '2017-01-01' f && gzip -k f && gunzip -c f.gz | cmp - f && "
                 "rm f && gunzip f.gz && stat -c '%Y' f",
    "xz": "seq 5000 > f && xz -k f && xz -dc f.xz | cmp - f && echo same",
    "chown_root": "echo x > f && chown nobody:nogroup f && stat -c '%U:%G' f && "
                  "chown :0 f && stat -c '%U:%G' f",
    "chmod_modes": "echo x > f && chmod 4751 f && stat -c '%a %A' f && chmod u-s,g+s f && "
                   "stat -c '%a' f",
    "df": "df -P /tmp | sed 1d | awk '{print $1, $6}'",
    "stat_f": "stat -f -c '%T' /tmp /proc",
    "mkfifo": "mkfifo p && stat -c '%F' p && { echo hi > p & } && cat p && wait",
    "fifo_nonblock_enxio": "mkfifo p && /usr/bin/python3 -c \"import os\n"
                           "try: os.open('p', os.O_WRONLY | os.O_NONBLOCK)\n"
                           "except OSError as e: print(e.strerror)\"",
    "flock": "touch f && flock f -c 'echo locked' && flock -x f sh -c 'flock -n f true; echo $?'",
    "stdin_of_pipe": "echo through | cat /dev/stdin",
    "process_substitution": "bash -c 'cat <(echo sub)'",
    "nice": "nice -n 5 nice",
    "chroot": "chroot / /bin/echo inside",
    "ls_l": "echo x > f && ls -l f | cut -c1-10",
    "su_c": "su -s /bin/sh -c 'id -u; id -g' nobody",
    "runuser": "runuser -u nobody -- id -un",
    "runuser_eacces": "mkdir priv && chmod 700 priv && echo s > priv/s && "
                      "runuser -u nobody -- cat priv/s 2>&1 | sed 's/^.*: //'",
    "setpriv_caps": "setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "
                    "'echo x > /tmp/own; chown 0 /tmp/own 2>&1 | sed \"s/^.*: //\"'",
    "make_j2": "mkdir p && cd p && printf 'int a(void){return 1;}\\n' > a.c && "
               "printf 'int b(void){return 2;}\\n' > b.c && "
               "printf 'int a(void);int b(void);int main(void){return a()+b()-3;}\\n' > m.c && "
               "printf 'm: a.o b.o m.o\\n\\tgcc -o $@ $^\\n%%.o: %%.c\\n\\tgcc -c $<\\n' > Makefile && "
               "make -s -j2 && ./m && echo built",
    "script_pty": "script -qc 'tty >/dev/null && echo on-a-tty' /dev/null | tr -d '\\r'",
    "sqlite_wal": "sqlite3 db 'PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES(42);"
                  " SELECT x FROM t;'",
    "python_copy2": "/usr/bin/python3 -c \"import os, shutil\n"
                    "open('f','w').write('x'); os.utime('f', (1e9, 1e9)); shutil.copy2('f', 'g')\n"
                    "print(int(os.stat('g').st_mtime))\"",
    "umask_0": "umask 0 && echo x > f && mkdir d && stat -c '%a' f d",
}


def run_step(name, where):
    script = PRELUDE + "{ " + STEPS[name] + "; }; echo \"status $?\""
    if where == "guest":
        r = run_linux(["quiet", "mem=512M", "ro", "root=/", "rootfstype=hostfs", "init=/bin/sh",
                       "--", "-c", script], timeout=120)
        return r.out, r.rc
    p = subprocess.run(PRIVATE_MOUNTS + ["/bin/sh", "-c", script],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    return p.stdout, p.returncode


# Steps that fail today, and why: each is a strict expected failure (it
# must fail; one that starts to pass must leave this list).
KNOWN = {
}


@pytest.mark.parametrize("name", list(STEPS))
def test_host_program_step(name, request):
    if name in KNOWN:
        request.applymarker(pytest.mark.xfail(strict=True, raises=AssertionError,
                                              reason="missing: " + KNOWN[name]))
    native, nrc = run_step(name, "native")
    assert nrc == 0 and native.rstrip().endswith("status 0"), "native: %r" % native
    guest, grc = run_step(name, "guest")
    assert guest == native, "step %s\n--- native:\n%s--- guest:\n%s" % (name, native, guest)
