#!/usr/bin/env python3
"""Prints bench/run.sh's table (Markdown) from its measurements.tsv.

    python3 bench/report.py RESULTS/measurements.tsv

Columns of the TSV: request, target, connections, requests, duration_us, p50_us, p99_us, status_errors,
socket_errors. "hello" measured directly at the start and at the end of the run is the anchor: the ratio to hello
divides by the mean of those two at the same connection count. A row with any error is marked, so that errors are
never read as speed.
"""
import csv
import sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
for row in rows:
    row["rps"] = int(row["requests"]) / (int(row["duration_us"]) / 1e6)

hello = defaultdict(list)
for row in rows:
    if row["request"] == "hello" and row["target"] in ("direct", "direct, end"):
        hello[row["connections"]].append(row["rps"])
direct = {(r["request"], r["connections"]): r["rps"] for r in rows if r["target"] == "direct"}

print("| request | target | conns | req/s | p50 ms | p99 ms | / hello | proxy / direct | errors (>=400, socket) |")
print("|---|---|---:|---:|---:|---:|---:|---:|---|")
for row in rows:
    anchor = sum(hello[row["connections"]]) / len(hello[row["connections"]]) if hello[row["connections"]] else None
    ratio = f"{row['rps'] / anchor:.3f}" if anchor and row["request"] != "hello" else "—"
    base = direct.get((row["request"], row["connections"]))
    proxied = f"{row['rps'] / base:.2f}" if row["target"] == "proxy" and base else "—"
    errors = int(row["status_errors"]), int(row["socket_errors"])
    flag = f"**{errors[0]}, {errors[1]} of {row['requests']}**" if any(errors) else "0, 0"
    print(f"| {row['request']} | {row['target']} | {row['connections']} | {row['rps']:,.0f} | "
          f"{int(row['p50_us']) / 1000:.2f} | {int(row['p99_us']) / 1000:.2f} | {ratio} | {proxied} | {flag} |")
