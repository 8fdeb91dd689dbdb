#!/usr/bin/env python3
"""Write data/oui.tsv, the vendor table built into nettool, from the IEEE registry's CSV files.

Usage: scripts/oui-table.py oui.csv oui28.csv oui36.csv cid.csv iab.csv > data/oui.tsv

The CSV files are the IEEE Registration Authority's public listings (MA-L, MA-M, MA-S, CID, IAB),
as published at https://standards-oui.ieee.org/. Each output line is the assigned prefix in
upper-case hex (6, 7 or 9 digits) and the organisation's name, separated by a tab, sorted by
prefix. The table is text so that the binary carries it as one string, paged in only when a
vendor is looked up (a table of string pointers would be relocated, and so read and dirtied, at
every start of every command)."""
import csv
import sys

rows = {}
for path in sys.argv[1:]:
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            prefix = row["Assignment"].strip().upper()
            name = " ".join(row["Organization Name"].split())
            if prefix and name and all(c in "0123456789ABCDEF" for c in prefix):
                rows[prefix] = name
for prefix in sorted(rows):
    sys.stdout.write(f"{prefix}\t{rows[prefix]}\n")
