#!/usr/bin/python3
"""Read vmcore's JSON Lines syscall trace (./linux trace_fmt=json trace_out=FILE).

As a module:
    import vmtrace
    t = vmtrace.load("trace.jsonl")
    t.syscalls(name="openat", failed=True)   # Syscall objects
    t.files_opened(pid=2)                    # paths, in order
    t.events()                               # exec, exit, signal events

As a command:
    vmtrace.py FILE summary            calls per syscall (and errors)
    vmtrace.py FILE calls [--comm C] [--pid N] [--name N] [--failed]
    vmtrace.py FILE files [--pid N]    files opened (open, openat, execve)
    vmtrace.py FILE failed             the calls that failed
    vmtrace.py FILE perfetto OUT.json  Chrome/Perfetto trace events, a track per task
"""
import argparse
import json
import sys
from collections import Counter


class Syscall:
    """One system call: pid/tid, comm, name, decoded args, raw args, ret,
    errno (None on success), entry/exit time (ns) and duration (µs)."""

    def __init__(self, d):
        self.pid, self.tid, self.comm = d["pid"], d["tid"], d.get("comm", "")
        self.name, self.nr = d["name"], d["nr"]
        self.args, self.raw = d["args"], d["raw"]
        self.ret, self.errno, self.result = d["ret"], d["errno"], d.get("result")
        self.t_entry, self.t_exit, self.dur_us = d["t_entry"], d["t_exit"], d["dur_us"]

    @property
    def failed(self):
        return self.errno is not None

    def __repr__(self):
        return "%s(%s) = %s [%d/%d]" % (self.name, ", ".join(self.args), self.result, self.pid, self.tid)


class Event:
    """A task event: type "exec" (path), "exit" (status or signal), "signal"."""

    def __init__(self, d):
        self.__dict__.update(d)

    def __repr__(self):
        return "Event(%r)" % self.__dict__


class Trace:
    def __init__(self, records):
        self.records = records

    def syscalls(self, name=None, pid=None, tid=None, comm=None, failed=None):
        out = []
        for r in self.records:
            if not isinstance(r, Syscall):
                continue
            if name is not None and r.name != name:
                continue
            if pid is not None and r.pid != pid:
                continue
            if tid is not None and r.tid != tid:
                continue
            if comm is not None and r.comm != comm:
                continue
            if failed is not None and r.failed != failed:
                continue
            out.append(r)
        return out

    def events(self, type=None):
        return [r for r in self.records if isinstance(r, Event) and (type is None or r.type == type)]

    def timeline(self):
        """Everything in order of time: (time, record)."""
        def when(r):
            return r.t_entry if isinstance(r, Syscall) else r.t
        return sorted(self.records, key=when)

    def files_opened(self, pid=None):
        out = []
        for s in self.syscalls(pid=pid):
            if s.name in ("open", "openat", "creat") and not s.failed:
                out.append(unquote(s.args[1] if s.name == "openat" else s.args[0]))
            elif s.name in ("execve", "execveat") and not s.failed:
                out.append(unquote(s.args[0] if s.name == "execve" else s.args[1]))
        return out

    def summary(self):
        calls, errors = Counter(), Counter()
        for s in self.syscalls():
            calls[s.name] += 1
            errors[s.name] += s.failed
        return calls, errors

    def perfetto(self):
        """Chrome trace-event JSON: a complete event per syscall, on a
        track per task (pid/tid), instants for task events."""
        ev = []
        names = {}
        for r in self.records:
            if isinstance(r, Syscall):
                names.setdefault((r.pid, r.tid), r.comm)
                dur = r.dur_us if r.dur_us is not None else 0
                ev.append({"name": r.name, "cat": "syscall", "ph": "X", "pid": r.pid, "tid": r.tid,
                           "ts": r.t_entry / 1000.0, "dur": dur,
                           "args": {"args": r.args, "result": r.result}})
            else:
                ev.append({"name": r.type, "cat": "task", "ph": "i", "s": "t", "pid": r.pid,
                           "tid": r.tid, "ts": r.t / 1000.0,
                           "args": {k: v for k, v in r.__dict__.items() if k not in ("pid", "tid", "t")}})
        for (pid, tid), comm in names.items():
            ev.append({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid, "args": {"name": comm}})
        return {"traceEvents": ev, "displayTimeUnit": "ns"}


def unquote(s):
    """The text of a decoded string argument ("abc" -> abc)."""
    if len(s) >= 2 and s[0] == '"':
        body = s[1:s.rindex('"')]
        return bytes(body, "utf-8").decode("unicode_escape")
    return s


def load(path):
    recs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError("%s:%d: not a JSON line: %s" % (path, n, e))
            recs.append(Syscall(d) if d.get("type") == "syscall" else Event(d))
    return Trace(recs)


def main(argv=None):
    ap = argparse.ArgumentParser(description="read vmcore's JSON Lines syscall trace")
    ap.add_argument("file")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("summary")
    c = sub.add_parser("calls")
    c.add_argument("--comm")
    c.add_argument("--pid", type=int)
    c.add_argument("--name")
    c.add_argument("--failed", action="store_true")
    f = sub.add_parser("files")
    f.add_argument("--pid", type=int)
    sub.add_parser("failed")
    p = sub.add_parser("perfetto")
    p.add_argument("out")
    a = ap.parse_args(argv)
    t = load(a.file)
    if a.cmd == "summary":
        calls, errors = t.summary()
        print("%9s %9s  syscall" % ("calls", "errors"))
        for name, n in calls.most_common():
            print("%9d %9s  %s" % (n, errors[name] or "", name))
    elif a.cmd == "calls":
        for s in t.syscalls(name=a.name, pid=a.pid, comm=a.comm, failed=True if a.failed else None):
            print(s)
    elif a.cmd == "files":
        for path in t.files_opened(pid=a.pid):
            print(path)
    elif a.cmd == "failed":
        for s in t.syscalls(failed=True):
            print(s)
    elif a.cmd == "perfetto":
        with open(a.out, "w") as f:
            json.dump(t.perfetto(), f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
