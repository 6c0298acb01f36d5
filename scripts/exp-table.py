#!/usr/bin/env python3
"""Prints the table of src/model/exp.rs: for i in 0..128, the double nearest
2^(i/128) (its bits less i << 45, so that adding k << 45 scales it by
2^(k/128) for any integer k) and the relative error of that double, rounded
to a double. Exact decimal arithmetic at 80 digits; Python's float() of a
decimal string is correctly rounded. Run it to check the table:

    python3 scripts/exp-table.py | diff - <(sed -n '/^static TABLE/,/^];/p' src/model/exp.rs)
"""
from decimal import Decimal, getcontext
import struct

getcontext().prec = 80
N = 128


def bits(f):
    return struct.unpack("<Q", struct.pack("<d", f))[0]


ln2 = Decimal(2).ln()
print("static TABLE: [u64; 2 * N] = [")
for i in range(N):
    v = (ln2 * i / N).exp()
    f = float(str(v))
    tail = float(str((v - Decimal(f)) / Decimal(f)))
    scale = (bits(f) - (i << 45)) % 2**64
    print(f"    0x{bits(tail):016x}, 0x{scale:016x},")
print("];")
