"""Writes the torch.save fixtures of dev.exprun.which tests. Run by generate.sh inside the
project's PyTorch image (torch 1.13, Python 3.11); see README.md next to this file.

Everything goes through exprun.save, as a training script would, with a fixed provenance
(EXP_PROVENANCE_FILE) so the files are the same on every run of this script.
"""
import json
import os
import shutil
import sys
import tempfile

import torch

import exprun

OUT = sys.argv[1]
PWNED = "/tmp/exprun-which-pwned"  # what the malicious pickle would create if it were ever unpickled


class Evil(object):
    """Unpickling this runs os.system (pickled as GLOBAL posix.system + REDUCE)."""

    def __reduce__(self):
        return (os.system, ("touch " + PWNED,))


def record(run_id):
    return {
        "schema": "exprun.run/v1",
        "runId": run_id,
        "startedAt": "2026-03-01T10:15:00Z",
        "project": {"groupId": "org.example", "artifactId": "mnist", "version": "1.0"},
        "git": {"present": True, "commit": "0123456789abcdef0123456789abcdef01234567", "branch": "main",
                "describe": "v0.9-2-g0123456", "dirty": False},
        "image": {"reference": "localhost/exp-test/pytorch-cpu:1.13", "digest": "sha256:" + "d" * 64},
        "params": {"lr": 0.01, "epochs": 3, "arch": "linear"},
    }


def main():
    work = tempfile.mkdtemp()
    out_dir = os.path.join(work, "out")
    os.makedirs(out_dir)
    rec_file = os.path.join(work, "run.json")
    with open(rec_file, "w") as f:
        json.dump(record("20260301-101500-000-1a2b3c4d"), f)
    os.environ["EXP_OUTPUT_DIR"] = out_dir
    os.environ["EXP_PROVENANCE_FILE"] = rec_file

    torch.manual_seed(0)
    model = torch.nn.Linear(4, 2)
    # A state_dict stays as it is (load_state_dict(strict=True) must keep working): sidecar only.
    exprun.save(model.state_dict(), "state_dict.pt")
    # A checkpoint dict gets the "exprun" key inside the pickle, and a sidecar too.
    checkpoint = {"model": model.state_dict(), "epoch": 3, "lr": 0.01, "best": True, "note": None,
                  "history": [0.5, 0.25, (1, "two")]}
    exprun.save(checkpoint, "checkpoint.pt")
    exprun.save(checkpoint, "legacy.pt", _use_new_zipfile_serialization=False)
    # A hostile checkpoint: next to real provenance, objects whose unpickling runs os.system.
    exprun.save({"model": model.state_dict(), "payload": Evil(), "more": [Evil(), {"x": Evil()}]}, "malicious.pt")
    # And one whose top-level object itself is the payload: no dict, so no provenance.
    torch.save(Evil(), os.path.join(out_dir, "malicious_toplevel.pt"))

    os.makedirs(OUT, exist_ok=True)
    for name in sorted(os.listdir(out_dir)):
        shutil.copyfile(os.path.join(out_dir, name), os.path.join(OUT, name))
        print(name, os.path.getsize(os.path.join(out_dir, name)))
    if os.path.exists(PWNED):
        raise SystemExit("generating the fixtures ran the payload?")


if __name__ == "__main__":
    main()
