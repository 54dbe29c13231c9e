#!/usr/bin/env python3
"""Helpers of loadtest/benchmark.sh (python3, standard library only).

  bench.py stats <report-dir>            a Gatling 3.15 report's statistics table as JSON
  bench.py cpu <stop-file> <out> <pid>...  samples the CPU time of processes and their children
                                          every second until <stop-file> exists; writes per-pid
                                          CPU % of one core to <out> (JSON)

The percentile columns of a report are those of src/test/resources/gatling.conf: 50, 95, 99, 99.9.
"""
import html
import json
import os
import re
import sys
import time

FIELDS = ["total", "ok", "ko", "ko_percent", "rps", "min", "p50", "p95", "p99", "p999", "max", "mean", "std"]


def number(text):
    text = text.strip()
    if text in ("-", ""):
        return None
    return float(text) if "." in text else int(text)


def stats(report_dir):
    with open(os.path.join(report_dir, "index.html"), encoding="utf-8") as f:
        page = f.read()
    table = {}
    # A row: the request's name in an ellipsed-name span, then 13 value cells (col-2 .. col-14).
    for row in re.finditer(r'class="ellipsed-name">(.*?)</span>(.*?)</tr>', page, re.S):
        name = html.unescape(row.group(1)).strip()
        values = {int(c): v for c, v in re.findall(r'<td class="value[^"]*col-(\d+)">([^<]*)</td>', row.group(2))}
        if len(values) >= len(FIELDS):
            table[name] = {field: number(values[i + 2]) for i, field in enumerate(FIELDS)}
    if "All Requests" not in table:
        sys.exit(f"no statistics table in {report_dir}/index.html")
    json.dump(table, sys.stdout, indent=1)
    print()


def ticks(pid):
    """utime + stime of a process, in clock ticks (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def children(pid):
    """The pid and all its descendants."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        # A JVM starts its children from any of its threads: read the children of every task.
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
    return found


def cpu(stop_file, out, roots):
    hz = os.sysconf("SC_CLK_TCK")
    start = time.monotonic()
    first = {}
    last = {}
    while True:
        # A process counts for the most specific root whose tree holds it: the embedded Cassandra
        # node is a child of the server, and is counted as Cassandra, not as the server.
        owner = {}
        for root in roots:
            tree = children(root)
            for p in tree:
                if p not in owner or len(tree) < owner[p][1]:
                    owner[p] = (root, len(tree))
        for p, (root, _) in owner.items():
            t = ticks(p)
            if t:
                first.setdefault((root, p), t)
                last[(root, p)] = t
        if os.path.exists(stop_file):
            break
        time.sleep(1)
    elapsed = time.monotonic() - start
    result = {}
    for root in roots:
        used = sum(last[k] - first[k] for k in last if k[0] == root)
        result[str(root)] = round(100.0 * used / hz / elapsed, 1)
    with open(out, "w") as f:
        json.dump({"seconds": round(elapsed, 1), "cpu_percent_of_one_core": result}, f)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "stats":
        stats(sys.argv[2])
    elif len(sys.argv) >= 5 and sys.argv[1] == "cpu":
        cpu(sys.argv[2], sys.argv[3], [int(p) for p in sys.argv[4:]])
    else:
        sys.exit(__doc__)
