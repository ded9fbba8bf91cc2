"""Writes plain pickles for SafePickleTest with the host's python3 (no torch needed), at test time.

Usage: python3 pickles.py OUTDIR MARKER
  OUTDIR/p<N>.pkl      protocol N (0-5): {"exprun": PROV, ...things JSON cannot hold...}
  OUTDIR/p5oob.pkl     protocol 5 with an out-of-band buffer (NEXT_BUFFER)
  OUTDIR/evil<N>.pkl   protocol N: PROV next to objects whose unpickling would create MARKER
  OUTDIR/expected.json json.dumps(PROV): what the Java reader must give back for "exprun"
"""
import collections
import datetime
import fractions
import json
import os
import pickle
import sys

out, marker = sys.argv[1], sys.argv[2]


class Thing(object):
    """A user class: pickled by reference (GLOBAL __main__ Thing), rebuilt with NEWOBJ + BUILD."""

    def __init__(self):
        self.weights = [1, 2, 3]


class System(object):
    def __reduce__(self):
        return (os.system, ("touch " + marker,))


class Exec(object):
    def __reduce__(self):
        return (exec, ("open(%r, 'w').close()" % marker,))


shared = [1, "two"]
prov = collections.OrderedDict([
    ("run_id", "20260301-101500-000-1a2b3c4d"),
    ("commit", "0123456789abcdef0123456789abcdef01234567"),
    ("dirty", False), ("ok", True), ("patch_sha256", None),
    ("small", 7), ("byte", 255), ("short", 65535), ("int", -123456), ("int32", 2 ** 31 - 1), ("long", 2 ** 40),
    ("negative_long", -(2 ** 63)), ("big", 2 ** 70), ("negative_big", -(2 ** 65) + 3),
    ("lr", 0.01), ("neg", -2.5e-308), ("inf", float("inf")), ("ninf", float("-inf")), ("nan", float("nan")),
    ("text", "h\u00e9llo \u2603 \U0001d11e back\\slash 'q' \"dq\" new\nline"), ("empty", ""),
    ("long_text", "x" * 300),
    ("params", {"lr": 0.01, "epochs": 3, "layers": [64, 32], "name": "mnist", 1: "int key", None: "none key"}),
    ("nested", {"a": [1, (2, 3), {"b": ["c", ()]}], "t1": (1,), "t3": (1, 2, 3), "t4": (1, 2, 3, 4)}),
    ("shared1", shared), ("shared2", shared),
    ("many", list(range(1200))),
    ("od", collections.OrderedDict([("z", 1), ("y", 2)])),
])
value = {
    "exprun": prov,
    "blob": b"\x00\x01" * 200, "small_blob": b"ab", "ba": bytearray(b"abc"),
    "set": {1, 2}, "frozen": frozenset([3]), "fraction": fractions.Fraction(1, 3),
    "when": datetime.datetime(2026, 3, 1, 10, 15), "thing": Thing(), "counter": collections.Counter("aab"),
}
loop = []
loop.append(loop)
value["loop"] = loop

os.makedirs(out, exist_ok=True)
for protocol in range(0, 6):
    with open(os.path.join(out, "p%d.pkl" % protocol), "wb") as f:
        pickle.dump(value, f, protocol=protocol)
    with open(os.path.join(out, "evil%d.pkl" % protocol), "wb") as f:
        pickle.dump({"weights": System(), "exprun": {"run_id": "evil", "hook": Exec()}, "more": [System()]}, f,
                    protocol=protocol)
with open(os.path.join(out, "p5oob.pkl"), "wb") as f:
    f.write(pickle.dumps({"exprun": prov, "buffer": pickle.PickleBuffer(bytearray(b"xyz"))}, protocol=5,
                         buffer_callback=lambda b: False))
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(prov, f)
