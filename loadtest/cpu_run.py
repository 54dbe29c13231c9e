#!/usr/bin/env python3
"""Runs a command and reports the CPU it and other processes used while it ran.

  cpu_run.py OUT.json [label=pid ...] -- command [args ...]

CPU time is utime + stime of /proc/<pid>/stat (all threads of the process), read when the command
starts and again the moment it exits, before it is reaped (waitid with WNOWAIT: its own counters
are then complete). Its children are not counted (wrk has none). The command's output passes
through; its exit code is this script's. OUT.json gets the wall time, CPU seconds and CPU % of one
core per label ("client" is the command itself; "machine" is all CPUs of the machine from
/proc/stat, "others" what the labelled processes do not explain), and a line CPU_RESULT ... goes to
stderr.
(Standard library only, like bench.py.)
"""
import json
import os
import subprocess
import sys
import time


def ticks(pid):
    """utime + stime of a process in clock ticks, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def machine_busy():
    """Busy clock ticks of all CPUs together (/proc/stat: all but idle and iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v[:8]) - v[3] - v[4]


def main(argv):
    if "--" not in argv or argv.index("--") < 1:
        sys.exit(__doc__)
    sep = argv.index("--")
    out, labels, cmd = argv[0], argv[1:sep], argv[sep + 1:]
    if not cmd:
        sys.exit(__doc__)
    pids = {}
    for spec in labels:
        name, _, pid = spec.partition("=")
        if pid.isdigit() and int(pid) > 0:
            pids[name] = int(pid)
    hz = os.sysconf("SC_CLK_TCK")
    first = {name: ticks(pid) for name, pid in pids.items()}
    start = time.monotonic()
    child = subprocess.Popen(cmd)
    first["client"] = ticks(child.pid) or 0
    busy0 = machine_busy()
    # Wait for the exit but leave the child a zombie, so that its counters can still be read.
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    elapsed = time.monotonic() - start
    last = {name: ticks(pid) for name, pid in pids.items()}
    last["client"] = ticks(child.pid)
    busy1 = machine_busy()
    _, status, rusage = os.wait4(child.pid, 0)
    child.returncode = code = os.waitstatus_to_exitcode(status)
    result = {"seconds": round(elapsed, 2), "cpu_seconds": {}, "cpu_percent_of_one_core": {}, "pids": dict(pids)}
    result["pids"]["client"] = child.pid
    for name in ["client"] + list(pids):
        if first.get(name) is None or last.get(name) is None:
            result["cpu_seconds"][name] = None
            result["cpu_percent_of_one_core"][name] = None
            continue
        used = (last[name] - first[name]) / hz
        result["cpu_seconds"][name] = round(used, 2)
        result["cpu_percent_of_one_core"][name] = round(100.0 * used / elapsed, 1)
    # The whole machine, and what processes other than those counted used (a shared machine).
    machine = (busy1 - busy0) / hz
    counted = sum(v for v in result["cpu_seconds"].values() if v)
    result["cpu_seconds"]["machine"] = round(machine, 2)
    result["cpu_seconds"]["others"] = round(max(0.0, machine - counted), 2)
    for name in ("machine", "others"):
        result["cpu_percent_of_one_core"][name] = round(100.0 * result["cpu_seconds"][name] / elapsed, 1)
    result["cores"] = os.cpu_count()
    # The same figure as the kernel reports it when the child is reaped (a cross-check).
    result["client_rusage_seconds"] = round(rusage.ru_utime + rusage.ru_stime, 2)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    pct = result["cpu_percent_of_one_core"]
    print("CPU_RESULT seconds=%.1f %s" % (elapsed, " ".join(
        f"{k}={'-' if v is None else v}" for k, v in pct.items())), file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
