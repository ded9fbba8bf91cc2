"""Shared helpers for the exprun tests (not a test module itself: unittest discovers test*.py only).

Puts src/main/resources/dev/exprun/runtime on sys.path, gives every test a temp EXP_OUTPUT_DIR and a
clean EXP_* environment, and runs scripts in subprocesses that see the same module. Tests write to
temp dirs only (the in-image run mounts the repository read-only).
"""
import copy
import hashlib
import json
import os
import pickle
import queue
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.normpath(os.path.join(HERE, "..", "..", "main", "resources", "dev", "exprun", "runtime"))
EXPRUN_PY = os.path.join(RUNTIME, "exprun.py")
if RUNTIME not in sys.path:
    sys.path.insert(0, RUNTIME)
sys.dont_write_bytecode = True  # no __pycache__ in src/main/resources (it would ship in the jar)

import exprun  # noqa: E402

try:
    import torch  # noqa: F401
    HAVE_TORCH = True
except ImportError:
    torch = None
    HAVE_TORCH = False

try:
    import numpy  # noqa: F401
    HAVE_NUMPY = True
except ImportError:
    numpy = None
    HAVE_NUMPY = False

try:
    import safetensors.torch  # noqa: F401
    HAVE_SAFETENSORS = True
except ImportError:
    HAVE_SAFETENSORS = False

ENV_KEYS = ("EXP_RUN_ID", "EXP_OUTPUT_DIR", "EXP_GIT_COMMIT", "EXP_GIT_BRANCH", "EXP_GIT_DESCRIBE",
            "EXP_GIT_DIRTY", "EXP_IMAGE", "EXP_IMAGE_DIGEST", "EXP_PARAMS", "EXP_PARAMS_FILE",
            "EXP_PROVENANCE_FILE", "CUBLAS_WORKSPACE_CONFIG", "PYTHONHASHSEED")

RECORD = {
    "schema": "exprun.run/v1",
    "runId": "20261122-062954-208-89f172cd",
    "status": "running",
    "project": {"groupId": "g", "artifactId": "a", "version": "1.0"},
    "git": {"present": True, "commit": "747dab25" + "0" * 32, "branch": "main", "describe": "v1.0-3-g747dab2",
            "dirty": True, "patchSha256": "d7b3" + "0" * 60, "remoteUrl": "https://host/x.git"},
    "image": {"reference": "localhost/exp-test/pytorch-cpu:1.13", "digest": "sha256:092c" + "0" * 60,
              "pinned": False},
    "params": {"epochs": 40, "lr": 0.01},
    "startedAt": "2026-11-22T06:29:54Z",
}

EXPECTED_PROVENANCE = {
    "run_id": "20261122-062954-208-89f172cd",
    "commit": "747dab25" + "0" * 32,
    "branch": "main",
    "describe": "v1.0-3-g747dab2",
    "dirty": True,
    "patch_sha256": "d7b3" + "0" * 60,
    "image": "localhost/exp-test/pytorch-cpu:1.13",
    "image_digest": "sha256:092c" + "0" * 60,
    "params": {"epochs": 40, "lr": 0.01},
    "project": "g:a:1.0",
    "started_at": "2026-11-22T06:29:54Z",
    "schema": "exprun.run/v1",
}

PROVENANCE_KEYS = set(EXPECTED_PROVENANCE)


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class FakeTensor(object):
    """Stands in for torch.Tensor in the fake-torch tests (picklable: module level)."""

    def __init__(self, value):
        self.value = value

    def item(self):
        return self.value

    def __eq__(self, other):
        return isinstance(other, FakeTensor) and other.value == self.value


class FakeDevice(object):
    def __init__(self, type_):
        self.type = type_


# Every read of a FakeDeviceTensor's value, across all of them: (what, value).
DEVICE_READS = []


class FakeDeviceTensor(object):
    """Stands in for a CUDA tensor: has what exprun checks (device.type, detach, clone), shares its
    storage with what detach() returns (as torch does), copies it on clone(), and records each read
    (item/tolist/__float__) in DEVICE_READS, where a read of a real CUDA tensor would wait for the
    device. ``error``: every read raises it (a dead CUDA context)."""

    def __init__(self, value, device="cuda", error=None, _storage=None, _clones=None):
        self.storage = _storage if _storage is not None else [value]
        self.device = FakeDevice(device)
        self.error = error
        self.clones = _clones if _clones is not None else []

    def detach(self):
        return FakeDeviceTensor(None, self.device.type, self.error, _storage=self.storage, _clones=self.clones)

    def clone(self):
        c = FakeDeviceTensor(copy.deepcopy(self.storage[0]), self.device.type, self.error)
        self.clones.append(c)
        return c

    def add_(self, x):
        self.storage[0] += x
        return self

    def _read(self, what):
        DEVICE_READS.append((what, self.storage[0]))
        if self.error is not None:
            raise self.error
        return self.storage[0]

    def item(self):
        v = self._read("item")
        if isinstance(v, list):
            raise ValueError("only one element tensors can be converted to Python scalars")
        return v

    def tolist(self):
        return copy.deepcopy(self._read("tolist"))

    def __float__(self):
        return float(self._read("float"))


def fake_torch(weights_only=True, fail_after=None):
    """A tiny stand-in for torch (save/load via pickle) to test save()/load_provenance() without torch.

    fail_after: write only that many bytes of the file, then raise (a crash midway).
    """
    m = types.ModuleType("torch")
    m.__version__ = "0.0+fake"
    m.Tensor = FakeTensor
    m.load_calls = []

    def save(obj, f, **kwargs):
        data = pickle.dumps(obj)
        if not isinstance(f, (str, bytes, os.PathLike)):
            f.write(data if fail_after is None else data[:fail_after])
            if fail_after is not None:
                raise RuntimeError("simulated failure midway through torch.save")
            return
        with open(f, "wb") as fh:
            if fail_after is not None:
                fh.write(data[:fail_after])
                fh.flush()
                raise RuntimeError("simulated failure midway through torch.save")
            fh.write(data)

    if weights_only:
        def load(f, map_location=None, weights_only=False):
            m.load_calls.append({"map_location": map_location, "weights_only": weights_only})
            with open(f, "rb") as fh:
                return pickle.load(fh)
    else:
        def load(f, map_location=None):
            m.load_calls.append({"map_location": map_location})
            with open(f, "rb") as fh:
                return pickle.load(fh)
    m.save = save
    m.load = load
    return m


def quiet_log(test):
    """Until ``test`` ends, only explicit _flush_log() calls write: not log()'s clock check (not even
    the first call's), nor the flush thread (started by an earlier test in this process)."""
    for name in ("_FLUSH_EVERY", "_TIMER_MIN_AGE"):
        test.addCleanup(setattr, exprun, name, getattr(exprun, name))
        setattr(exprun, name, 3600)
    now = time.time()
    exprun._S.next_flush = now + 3600
    exprun._S.last_flush = now


class ExprunTestCase(unittest.TestCase):
    """A temp dir, EXP_OUTPUT_DIR=<tmp>/out, no other EXP_* variable, fresh exprun state."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="exprun-test-")
        self.out = os.path.join(self.tmp, "out")
        os.makedirs(self.out)
        self._saved_env = {k: os.environ.get(k) for k in ENV_KEYS}
        for k in ENV_KEYS:
            os.environ.pop(k, None)
        os.environ["EXP_OUTPUT_DIR"] = self.out
        exprun._reset_for_tests()
        self.addCleanup(self._restore)

    def _restore(self):
        exprun._reset_for_tests()
        for k, v in self._saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- environment -------------------------------------------------------------------------------

    def write_json(self, name, obj):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            json.dump(obj, f)
        return path

    def plugin_env(self, record=RECORD):
        """The environment the plugin gives the container, with the record's values."""
        git = record.get("git", {})
        env = {
            "EXP_RUN_ID": record.get("runId", ""),
            "EXP_OUTPUT_DIR": self.out,
            "EXP_GIT_COMMIT": git.get("commit", ""),
            "EXP_GIT_BRANCH": git.get("branch", ""),
            "EXP_GIT_DESCRIBE": git.get("describe", ""),
            "EXP_GIT_DIRTY": "true" if git.get("dirty") else "false",
            "EXP_IMAGE": record.get("image", {}).get("reference", ""),
            "EXP_IMAGE_DIGEST": record.get("image", {}).get("digest", ""),
            "EXP_PARAMS": json.dumps(record.get("params", {}), separators=(",", ":")),
            "EXP_PARAMS_FILE": self.write_json("params.json", record.get("params", {})),
            "EXP_PROVENANCE_FILE": self.write_json("provenance.json", record),
        }
        return env

    def set_plugin_env(self, record=RECORD):
        env = self.plugin_env(record)
        os.environ.update(env)
        exprun._reset_for_tests()
        return env

    # -- files -------------------------------------------------------------------------------------

    def series_path(self):
        return os.path.join(self.out, "metrics.jsonl")

    def read_series(self, path=None, allow_cut_tail=False):
        """The lines of metrics.jsonl, parsed; every line must parse and the file end with a newline
        (allow_cut_tail: the last, unterminated fragment is dropped instead)."""
        path = path or self.series_path()
        with open(path, "rb") as f:
            data = f.read()
        if not data:
            return []
        lines = data.split(b"\n")
        tail = lines.pop()  # after the last "\n": b"" when the file ends with a newline
        if tail and not allow_cut_tail:
            self.fail("metrics.jsonl does not end with a newline; last bytes: %r" % data[-80:])
        out = []
        for i, line in enumerate(lines):
            try:
                out.append(json.loads(line.decode("utf-8")))
            except ValueError as e:
                self.fail("line %d of metrics.jsonl does not parse (%s): %r" % (i + 1, e, line[:200]))
        return out

    def temp_leftovers(self, d=None):
        d = d or self.out
        found = []
        for root, _dirs, files in os.walk(d):
            found.extend(os.path.join(root, f) for f in files if f.endswith(".tmp"))
        return found

    # -- subprocesses ------------------------------------------------------------------------------

    def subprocess_env(self, extra=None, output_dir=True, pythonpath=()):
        env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
        env["PYTHONPATH"] = os.pathsep.join([RUNTIME, HERE] + list(pythonpath))
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONUNBUFFERED"] = "1"
        if output_dir:
            env["EXP_OUTPUT_DIR"] = self.out
        if extra:
            env.update(extra)
        return env

    def script(self, code):
        return [sys.executable, "-c", textwrap.dedent(code)]

    def run_script(self, code, timeout=120, cwd=None, **env_kwargs):
        return subprocess.run(self.script(code), env=self.subprocess_env(**env_kwargs), cwd=cwd or self.tmp,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                              timeout=timeout)

    def start_script(self, code, cwd=None, **env_kwargs):
        """Start a script; its stdout lines go to a queue (see expect_line), its stderr is collected."""
        p = subprocess.Popen(self.script(code), env=self.subprocess_env(**env_kwargs), cwd=cwd or self.tmp,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        p.lines = queue.Queue()
        p.stdout_seen = []
        p.stderr_seen = []

        def pump_out():
            for line in p.stdout:
                p.lines.put(line)
            p.lines.put(None)

        def pump_err():
            for line in p.stderr:
                p.stderr_seen.append(line)

        p.pumps = [threading.Thread(target=pump_out, daemon=True), threading.Thread(target=pump_err, daemon=True)]
        for t in p.pumps:
            t.start()
        self.addCleanup(self._reap, p)
        return p

    @staticmethod
    def _reap(p):
        if p.poll() is None:
            p.kill()
        p.wait()
        for t in p.pumps:
            t.join(10)
        p.stdout.close()
        p.stderr.close()

    def finish(self, p, timeout=60):
        """Wait for the child; (returncode, all stdout, all stderr)."""
        rc = p.wait(timeout)
        for t in p.pumps:
            t.join(10)
        while True:
            try:
                line = p.lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                p.stdout_seen.append(line)
        return rc, "".join(p.stdout_seen), "".join(p.stderr_seen)

    def expect_line(self, p, wanted, timeout=60):
        """Read the child's stdout up to the line ``wanted``."""
        deadline = time.time() + timeout
        while True:
            try:
                line = p.lines.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                line = None
            if line is None:
                if p.poll() is None:
                    p.kill()
                rc, out, err = self.finish(p)
                self.fail("the child never printed %r (rc %s); stdout %r, stderr %r" % (wanted, rc, out, err))
            p.stdout_seen.append(line)
            if line.strip() == wanted:
                return
