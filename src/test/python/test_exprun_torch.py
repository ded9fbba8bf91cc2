"""Tests of exprun.py against the real torch (skipped where torch is not installed).

In the PyTorch image:
    docker run --rm -v "$PWD":/src:ro -w /src localhost/exp-test/pytorch-cpu:1.13 \
        python3 -m unittest discover -s src/test/python -v
"""
import contextlib
import functools
import io
import json
import os
import random
import signal
import struct
import sys
import time
import types
import unittest
import warnings
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from exprun_testlib import (EXPECTED_PROVENANCE, EXPRUN_PY, HAVE_NUMPY, HAVE_SAFETENSORS,  # noqa: E402
                            HAVE_TORCH, PROVENANCE_KEYS, RECORD, ExprunTestCase, exprun, quiet_log, sha256_of)

EXPECTED_RECORD_INT_PARAMS = dict(RECORD, runId="20261122-070000-000-0000aaaa", params={"epochs": 40, "seed": 1})

if HAVE_TORCH:
    import torch
    from torch import nn


class Marker(object):
    """Saved inside a checkpoint: a weights_only load must refuse it without running __setstate__."""
    unpickled = False

    def __setstate__(self, state):
        Marker.unpickled = True
        self.__dict__.update(state)


def fake_safetensors():
    """safetensors.torch.save_file writing the real format (the image has no safetensors package)."""
    dtypes = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.float16: "F16"}

    def save_file(tensors, filename, metadata=None):
        header, blobs, offset = {}, [], 0
        for name, t in tensors.items():
            raw = t.detach().cpu().contiguous().numpy().tobytes()
            header[name] = {"dtype": dtypes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
            blobs.append(raw)
            offset += len(raw)
        if metadata is not None:
            header["__metadata__"] = metadata
        raw_header = json.dumps(header, separators=(",", ":")).encode("utf-8")
        raw_header += b" " * (-len(raw_header) % 8)
        with open(filename, "wb") as f:
            f.write(struct.pack("<Q", len(raw_header)) + raw_header + b"".join(blobs))

    pkg = types.ModuleType("safetensors")
    sub = types.ModuleType("safetensors.torch")
    sub.save_file = save_file
    pkg.torch = sub
    return {"safetensors": pkg, "safetensors.torch": sub}


@unittest.skipUnless(HAVE_TORCH, "torch is not installed")
class TorchLogTest(ExprunTestCase):
    def test_tensor_values(self):
        loss = (torch.tensor(0.5, requires_grad=True) * 2)
        values = dict(loss=loss, bf=torch.tensor(1.5, dtype=torch.bfloat16), one=torch.tensor([3]),
                      vec=torch.tensor([1.0, 2.0]), flag=torch.tensor(True))
        if HAVE_NUMPY:
            import numpy as np
            values["np32"] = np.float32(0.25)
        exprun.log(step=torch.tensor(3), **values)
        exprun._flush_log()
        line = self.read_series()[0]
        self.assertEqual(3, line["step"])
        self.assertEqual(1.0, line["loss"])
        self.assertEqual(1.5, line["bf"])
        self.assertEqual(3, line["one"])
        self.assertEqual([1.0, 2.0], line["vec"])
        self.assertIs(True, line["flag"])
        if HAVE_NUMPY:
            self.assertEqual(0.25, line["np32"])

    def test_a_complex_tensor_is_refused_at_the_call(self):
        with self.assertRaisesRegex(TypeError, "complex"):
            exprun.log(step=1, z=torch.tensor(1 + 2j))


VALUES = lambda: dict(  # noqa: E731 - fresh tensors per call
    loss=torch.tensor(0.5, requires_grad=True) * 2, f32=torch.tensor(0.1), bf=torch.tensor(1.5, dtype=torch.bfloat16),
    half=torch.tensor([float("nan"), float("inf")], dtype=torch.float16), one=torch.tensor([3]),
    one_one=torch.tensor([[2.5]]), vec=torch.tensor([1.0, 2.0]), grid=torch.arange(6).reshape(2, 3),
    flag=torch.tensor(True), u8=torch.tensor(255, dtype=torch.uint8), empty=torch.zeros(0), empty2=torch.zeros(2, 0),
    f64=torch.tensor(1 / 3, dtype=torch.float64), nested={"a": torch.tensor(4), "b": [torch.tensor(0.25), 1]},
    plain=0.125, name="x")


@unittest.skipUnless(HAVE_TORCH, "torch is not installed")
class TorchDeferredLogTest(ExprunTestCase):
    """The flush's batched read, with real tensors: CPU ones sent down the device path by emptying
    exprun._READ_CPU_AT_FLUSH (this image has no GPU); a meta tensor takes it by itself."""

    def setUp(self):
        super().setUp()
        quiet_log(self)

    def deferred(self):
        return mock.patch.object(exprun, "_READ_CPU_AT_FLUSH", True)

    def spy(self, name):
        calls = []
        real = getattr(torch.Tensor, name)

        def spy(self_, *args, **kwargs):
            calls.append(name)
            return real(self_, *args, **kwargs)

        return mock.patch.object(torch.Tensor, name, spy), calls

    def lines_bytes(self):
        with open(self.series_path(), "rb") as f:
            return f.read().splitlines()

    def test_same_bytes_as_reading_at_the_call(self):
        exprun.log(step=torch.tensor(7), **VALUES(), time=99.5)
        with self.deferred():
            exprun.log(step=torch.tensor(7), **VALUES(), time=99.5)
            self.assertTrue(exprun._S.pending)
        exprun._flush_log()
        eager, deferred = self.lines_bytes()
        self.assertEqual(eager, deferred)
        line = json.loads(eager)
        self.assertEqual(["step", "loss", "f32", "bf", "half", "one", "one_one", "vec", "grid", "flag", "u8", "empty",
                          "empty2", "f64", "nested", "plain", "name", "time"], list(line))
        self.assertEqual([3, 2.5, [[0, 1, 2], [3, 4, 5]], True, 255, [], [[], []]],
                         [line[k] for k in ("one", "one_one", "grid", "flag", "u8", "empty", "empty2")])

    def test_log_reads_nothing_and_the_flush_reads_each_group_once(self):
        patch_item, items = self.spy("item")
        patch_tolist, tolists = self.spy("tolist")
        stack_calls = []
        real_stack = torch.stack

        def stack(ts, *args, **kwargs):
            stack_calls.append(len(ts))
            return real_stack(ts, *args, **kwargs)

        with self.deferred(), patch_item, patch_tolist, mock.patch.object(torch, "stack", stack):
            for i in range(500):
                exprun.log(step=i, loss=torch.tensor(i * 0.5), n=torch.tensor(i), vec=torch.tensor([i, -i]))
            self.assertEqual(([], [], []), (items, tolists, stack_calls))
            exprun._flush_log()
        self.assertEqual([500, 500, 500], stack_calls)  # (float32, []), (int64, []), (int64, [2])
        self.assertEqual(3, len(tolists))
        self.assertEqual([], items)
        lines = self.read_series()
        self.assertEqual([i * 0.5 for i in range(500)], [line["loss"] for line in lines])
        self.assertEqual([[i, -i] for i in range(500)], [line["vec"] for line in lines])

    def test_an_in_place_update_after_the_call_does_not_change_the_line(self):
        with self.deferred():
            running = torch.zeros(())
            for i in range(3):
                running += 1.0
                exprun.log(step=i, total=running)
            w = torch.ones(2, requires_grad=True)
            exprun.log(step=3, w=w)
            with torch.no_grad():
                w.mul_(5)
        exprun._flush_log()
        lines = self.read_series()
        self.assertEqual([1.0, 2.0, 3.0], [line["total"] for line in lines[:3]])
        self.assertEqual([1.0, 1.0], lines[3]["w"])

    def test_an_unreadable_tensor_is_null_said_once_the_rest_written(self):
        # A meta tensor has no data: reading it fails as a dead CUDA context would.
        exprun.log(step=0)
        exprun._flush_log()
        exprun.log(step=1, ghost=torch.tensor(1.0, device="meta"), acc=torch.tensor(0.75), lr=0.1)
        with self.deferred():
            exprun.log(step=2, ghost=torch.ones(3, device="meta"), loss=torch.tensor(0.5))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            exprun._flush_log()
        lines = [{k: v for k, v in x.items() if k != "time"} for x in self.read_series()]
        self.assertEqual([{"step": 0}, {"step": 1, "ghost": None, "acc": 0.75, "lr": 0.1},
                          {"step": 2, "ghost": None, "loss": 0.5}], lines)
        said = err.getvalue().splitlines()
        self.assertEqual(1, len(said), err.getvalue())
        self.assertIn("could not be read", said[0])

    def test_sigterm_and_exit_read_real_tensors(self):
        code = """
            import time, torch, exprun
            exprun._READ_CPU_AT_FLUSH = True
            exprun._TICK = 3600
            exprun._FLUSH_EVERY = 3600
            acc = torch.zeros(())
            for i in range(50):
                acc += 0.25
                exprun.log(step=i, acc=acc)
            print("READY", flush=True)
            {end}
        """
        for end in ("pass", "time.sleep(60)"):
            if os.path.exists(self.series_path()):
                os.unlink(self.series_path())
            p = self.start_script(code.format(end=end))
            self.expect_line(p, "READY")
            if end != "pass":
                p.send_signal(signal.SIGTERM)
            rc, _out, err = self.finish(p)
            self.assertEqual(0 if end == "pass" else -signal.SIGTERM, rc, err)
            lines = self.read_series()
            self.assertEqual([(i + 1) * 0.25 for i in range(50)], [line["acc"] for line in lines], end)

    def test_summary_of_tensors(self):
        self.assertEqual({"loss": 0.25, "n": 4}, exprun.summary(loss=torch.tensor(0.25), n=torch.tensor(4)))
        with open(os.path.join(self.out, "metrics.json")) as f:
            self.assertEqual({"loss": 0.25, "n": 4}, json.load(f))
        with self.assertRaisesRegex(TypeError, "'vec'"):
            exprun.summary(vec=torch.tensor([1.0, 2.0]))


@unittest.skipUnless(HAVE_TORCH, "torch is not installed")
class TorchSaveTest(ExprunTestCase):
    def setUp(self):
        super().setUp()
        self.set_plugin_env()
        torch.manual_seed(0)
        self.model = nn.Linear(3, 2)

    def sidecar(self, path):
        with open(path + ".provenance.json") as f:
            return json.load(f)

    def test_dict_checkpoint_carries_provenance_callers_dict_untouched(self):
        ckpt = {"model": self.model.state_dict(), "epoch": 3, "val_acc": 0.9}
        path = exprun.save(ckpt, "checkpoints/best.pt")
        self.assertEqual(os.path.join(self.out, "checkpoints", "best.pt"), path)
        self.assertEqual(["model", "epoch", "val_acc"], list(ckpt))
        loaded = torch.load(path, map_location="cpu")
        self.assertEqual(EXPECTED_PROVENANCE, loaded["exprun"])
        self.assertEqual(3, loaded["epoch"])
        fresh = nn.Linear(3, 2)
        fresh.load_state_dict(loaded["model"])
        self.assertTrue(torch.equal(fresh.weight, self.model.weight))
        side = self.sidecar(path)
        self.assertEqual(sha256_of(path), side["sha256"])
        self.assertEqual(os.path.getsize(path), side["size"])
        self.assertEqual(EXPECTED_PROVENANCE, {k: side[k] for k in PROVENANCE_KEYS})
        self.assertEqual([], self.temp_leftovers())

    def test_a_state_dict_is_saved_as_given_and_loads_strictly(self):
        path = exprun.save(self.model.state_dict(), "sd.pt")
        sd = torch.load(path, map_location="cpu")
        self.assertEqual(["weight", "bias"], list(sd))
        nn.Linear(3, 2).load_state_dict(sd, strict=True)
        path = exprun.save({"w": torch.ones(2)}, "plain-sd.pt")
        self.assertEqual(["w"], list(torch.load(path)))
        self.assertEqual(EXPECTED_PROVENANCE, {k: exprun.load_provenance(path)[k] for k in PROVENANCE_KEYS})

    def test_embed_false_saves_the_same_bytes_every_time(self):
        ckpt = {"model": self.model.state_dict(), "epoch": 3}
        a = exprun.save(ckpt, "a.pt", embed=False)
        b = exprun.save(ckpt, "sub/b.pt", embed=False)
        self.assertEqual(sha256_of(a), sha256_of(b), "no path or run-specific bytes in the file")
        self.assertNotIn("exprun", torch.load(a, map_location="cpu"))
        self.assertEqual(EXPECTED_PROVENANCE, {k: exprun.load_provenance(a)[k] for k in PROVENANCE_KEYS})
        # Embedded provenance is the same within one run, so those files match each other too.
        self.assertEqual(sha256_of(exprun.save(ckpt, "c.pt")), sha256_of(exprun.save(ckpt, "d.pt")))

    def test_torch_save_kwargs_pass_through(self):
        path = exprun.save({"x": 1}, "legacy.pt", _use_new_zipfile_serialization=False)
        self.assertEqual(1, torch.load(path)["x"])

    def test_failure_midway_leaves_no_file_under_the_final_name(self):
        real_save = torch.save

        def broken_save(obj, f, **kwargs):
            buf = io.BytesIO()
            real_save(obj, buf)
            f.write(buf.getvalue()[:100])
            raise RuntimeError("simulated crash midway through torch.save")

        old = exprun.save({"epoch": 1}, "best.pt")
        with mock.patch.object(torch, "save", broken_save):
            with self.assertRaisesRegex(RuntimeError, "midway"):
                exprun.save({"epoch": 2}, "best.pt")
            with self.assertRaisesRegex(RuntimeError, "midway"):
                exprun.save({"epoch": 2}, "fresh.pt")
        self.assertEqual(1, torch.load(old)["epoch"])
        self.assertEqual(sha256_of(old), self.sidecar(old)["sha256"])
        self.assertFalse(os.path.exists(os.path.join(self.out, "fresh.pt")))
        self.assertEqual([], self.temp_leftovers())

    def test_process_killed_midway_leaves_no_half_file(self):
        r = self.run_script("""
            import os, torch, exprun
            exprun.save({"epoch": 1, "w": torch.ones(1000)}, "best.pt")
            real_save = torch.save
            def dying_save(obj, f, **kwargs):
                real_save(obj, f, **kwargs)
                f.flush()
                f.truncate(f.tell() // 2)    # the half that reached the disk
                os._exit(9)                  # the process dies mid-write
            torch.save = dying_save
            exprun.save({"epoch": 2, "w": torch.zeros(1000)}, "best.pt")
        """, extra=self.plugin_env())
        self.assertEqual(9, r.returncode, r.stderr)
        best = os.path.join(self.out, "best.pt")
        self.assertEqual(1, torch.load(best)["epoch"])
        self.assertEqual(sha256_of(best), exprun.load_provenance(best)["sha256"])
        r = self.run_script("""
            import os, torch, exprun
            def dying_save(obj, f, **kwargs):
                f.write(b"PK\\x03\\x04 half a zip")
                f.flush()
                os._exit(9)
            torch.save = dying_save
            exprun.save({"epoch": 1}, "fresh.pt")
        """)
        self.assertEqual(9, r.returncode, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "fresh.pt")))

    def test_load_provenance_prefers_a_matching_sidecar(self):
        path = exprun.save({"model": self.model.state_dict()}, "best.pt")
        with mock.patch.object(torch, "load", side_effect=AssertionError("must not unpickle")):
            prov = exprun.load_provenance(path)
        self.assertEqual(sha256_of(path), prov["sha256"])
        self.assertEqual(EXPECTED_PROVENANCE, {k: prov[k] for k in PROVENANCE_KEYS})

    def no_torch_load(self):
        return mock.patch.object(torch, "load", side_effect=AssertionError("torch.load must not be called"))

    def test_load_provenance_without_sidecar_reads_the_pickle_safely(self):
        path = exprun.save({"model": self.model.state_dict(), "val_acc": 0.5}, "best.pt")
        os.unlink(path + ".provenance.json")
        with self.no_torch_load():
            self.assertEqual(EXPECTED_PROVENANCE, exprun.load_provenance(path))

    def test_load_provenance_with_a_stale_sidecar_reads_the_pickle_safely(self):
        path = exprun.save({"epoch": 1}, "best.pt")
        torch.save({"epoch": 2, "w": torch.ones(3), "exprun": {"run_id": "rewritten"}}, path)  # not through exprun
        with self.no_torch_load():
            self.assertEqual({"run_id": "rewritten"}, exprun.load_provenance(path))

    def test_load_provenance_legacy_format(self):
        path = exprun.save({"model": self.model.state_dict()}, "legacy.pt", _use_new_zipfile_serialization=False)
        os.unlink(path + ".provenance.json")
        with self.no_torch_load():
            self.assertEqual(EXPECTED_PROVENANCE, exprun.load_provenance(path))

    def spy_torch_load(self):
        calls = []
        real = torch.load

        @functools.wraps(real)
        def spy(*args, **kwargs):
            calls.append(kwargs)
            return real(*args, **kwargs)

        return mock.patch.object(torch, "load", spy), calls

    def test_unknown_format_falls_back_to_weights_only_load(self):
        self.set_plugin_env(dict(EXPECTED_RECORD_INT_PARAMS))
        path = exprun.save({"model": self.model.state_dict(), "epoch": 3}, "best.pt")
        os.unlink(path + ".provenance.json")
        patch_load, calls = self.spy_torch_load()
        with patch_load, mock.patch.object(exprun, "_read_torch_pickle_safely", return_value=(False, None)):
            prov = exprun.load_provenance(path)
        self.assertEqual(EXPECTED_RECORD_INT_PARAMS["runId"], prov["run_id"])
        self.assertEqual([{"map_location": "cpu", "weights_only": True}], calls)

    def test_weights_only_load_of_plain_floats(self):
        # torch 1.13's weights-only unpickler refuses plain Python floats ("Unsupported operand 71",
        # BINFLOAT), e.g. lr=0.01 in the params: the reason load_provenance() reads the pickle itself.
        buf = io.BytesIO()
        torch.save({"lr": 0.01}, buf)
        buf.seek(0)
        try:
            torch.load(buf, weights_only=True)
            floats_ok = True
        except Exception:  # noqa: BLE001
            floats_ok = False
        path = exprun.save({"model": self.model.state_dict(), "val_acc": 0.5}, "best.pt")
        os.unlink(path + ".provenance.json")
        self.assertEqual(EXPECTED_PROVENANCE, exprun.load_provenance(path))  # the safe reader
        with mock.patch.object(exprun, "_read_torch_pickle_safely", return_value=(False, None)):
            if floats_ok:
                self.assertEqual(EXPECTED_PROVENANCE, exprun.load_provenance(path))
            else:
                with self.assertRaisesRegex(RuntimeError, r"weights_only=True\) refused it"):
                    exprun.load_provenance(path)

    def test_load_provenance_none_when_the_file_carries_none(self):
        path = os.path.join(self.out, "plain.pt")
        torch.save({"w": torch.ones(2)}, path)
        self.assertIsNone(exprun.load_provenance(path))
        torch.save(self.model, path)  # a whole module: its classes are not resolved
        self.assertIsNone(exprun.load_provenance(path))

    def test_load_provenance_does_not_unpickle_arbitrary_objects(self):
        path = os.path.join(self.out, "evil.pt")
        marker = Marker()
        marker.x = 1
        torch.save({"exprun": {"run_id": "x"}, "obj": marker, "w": torch.ones(2)}, path)
        Marker.unpickled = False
        with self.no_torch_load():
            self.assertEqual({"run_id": "x"}, exprun.load_provenance(path))
        self.assertFalse(Marker.unpickled)

    def test_safetensors(self):
        modules = {} if HAVE_SAFETENSORS else fake_safetensors()
        tensors = {"w": torch.arange(4, dtype=torch.float32), "b": torch.zeros(2)}
        with mock.patch.dict(sys.modules, modules):
            path = exprun.save(tensors, "model.safetensors", metadata={"format": "pt"})
        self.assertEqual(EXPECTED_PROVENANCE, exprun.load_provenance(path))
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
        self.assertEqual("pt", header["__metadata__"]["format"])
        self.assertEqual(EXPECTED_PROVENANCE, json.loads(header["__metadata__"]["exprun"]))
        self.assertEqual(sha256_of(path), self.sidecar(path)["sha256"])
        with mock.patch.dict(sys.modules, modules):
            with self.assertRaisesRegex(TypeError, "'n'"):
                exprun.save({"w": torch.ones(1), "n": 3}, "bad.safetensors")
        self.assertEqual([], self.temp_leftovers())


@unittest.skipUnless(HAVE_TORCH, "torch is not installed")
class TorchSeedTest(ExprunTestCase):
    def tearDown(self):
        torch.use_deterministic_algorithms(False)
        torch.backends.cudnn.deterministic = False

    def test_two_draws_are_equal(self):
        exprun.seed_everything(1234)
        a, ra = torch.rand(5), random.random()
        exprun.seed_everything(1234)
        b, rb = torch.rand(5), random.random()
        self.assertTrue(torch.equal(a, b))
        self.assertEqual(ra, rb)
        exprun.seed_everything(99)
        self.assertFalse(torch.equal(a, torch.rand(5)))
        self.assertTrue(torch.backends.cudnn.deterministic)
        self.assertFalse(torch.backends.cudnn.benchmark)
        self.assertTrue(torch.are_deterministic_algorithms_enabled())
        self.assertEqual(":4096:8", os.environ["CUBLAS_WORKSPACE_CONFIG"])
        exprun._flush_log()
        self.assertEqual([1234, 1234, 99], [line["seed"] for line in self.read_series()])
        self.assertTrue(torch.is_deterministic_algorithms_warn_only_enabled())

    def test_strict(self):
        exprun.seed_everything(1, strict=True)
        self.assertTrue(torch.are_deterministic_algorithms_enabled())
        self.assertFalse(torch.is_deterministic_algorithms_warn_only_enabled())
        with self.assertRaisesRegex(RuntimeError, "put_ does not have a deterministic implementation"):
            torch.zeros(5).put_(torch.tensor([0, 0]), torch.tensor([1.0, 2.0]))
        exprun.seed_everything(1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.zeros(5).put_(torch.tensor([0, 0]), torch.tensor([1.0, 2.0]))
        self.assertEqual(1, len(caught))
        self.assertTrue(str(caught[0].message).startswith("put_ does not have a deterministic implementation"))
        with open(os.path.join(self.out, ".exprun", "runtime.json")) as f:
            self.assertEqual(["put_"], json.load(f)["nondeterministic_ops"])


@unittest.skipUnless(HAVE_TORCH, "torch is not installed")
class TorchNondeterminismTest(ExprunTestCase):
    """torch's own alert: put_(accumulate=False) alerts on the CPU too (torch 1.13 has no Python
    binding for raising the alert directly, e.g. torch._C._alert_not_deterministic)."""

    PUT = "x = torch.zeros(5)\nfor _ in range(3):\n    x.put_(torch.tensor([0, 0]), torch.tensor([1.0, 2.0]))\n"

    def runtime(self):
        with open(os.path.join(self.out, ".exprun", "runtime.json")) as f:
            return json.load(f)

    def test_the_real_alert_is_captured_though_the_script_ignores_warnings(self):
        r = self.run_script("import json, os, warnings, torch, exprun\n"
                            "warnings.simplefilter('ignore')\n"
                            "exprun.seed_everything(5)\n" + self.PUT +
                            "path = os.path.join(os.environ['EXP_OUTPUT_DIR'], '.exprun', 'runtime.json')\n"
                            "print('BEFORE-EXIT', json.dumps(json.load(open(path))))\n")
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertNotIn("does not have a deterministic", r.stderr)
        before_exit = json.loads(r.stdout.split("BEFORE-EXIT ", 1)[1])
        self.assertEqual(["put_"], before_exit["nondeterministic_ops"])
        self.assertEqual({"schema": "exprun.runtime/v1", "seed": 5, "deterministic": "warn",
                          "nondeterministic_ops": ["put_"]}, self.runtime())

    def test_with_the_default_filters_it_is_printed_once(self):
        r = self.run_script("import torch, exprun\nexprun.seed_everything(5)\n" + self.PUT)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual(1, r.stderr.count("put_ does not have a deterministic implementation"), r.stderr)
        self.assertEqual(["put_"], self.runtime()["nondeterministic_ops"])

    def test_strict_raises_and_names_the_op(self):
        r = self.run_script("import torch, exprun\nexprun.seed_everything(5, strict=True)\n" + self.PUT)
        self.assertEqual(1, r.returncode, r.stderr)
        self.assertIn("RuntimeError: put_ does not have a deterministic implementation", r.stderr)
        self.assertEqual({"schema": "exprun.runtime/v1", "seed": 5, "deterministic": "strict",
                          "nondeterministic_ops": ["put_"]}, self.runtime())

    def test_rewritten_at_exit_with_what_torch_says_then(self):
        r = self.run_script("""
            import torch, exprun
            exprun.seed_everything(5)
            print("AT-SEED", open(exprun._output_dir() + "/.exprun/runtime.json").read().count('"warn"'))
            torch.use_deterministic_algorithms(False)
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertIn("AT-SEED 1", r.stdout)
        self.assertEqual({"schema": "exprun.runtime/v1", "seed": 5, "deterministic": None, "nondeterministic_ops": []},
                         self.runtime())


@unittest.skipUnless(HAVE_TORCH, "torch is not installed")
class TorchCheckEnvTest(ExprunTestCase):
    def test_check_env_on_the_cpu(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            info = exprun.check_env()
        self.assertEqual(torch.__version__, info["torch"])
        cpu = info["devices"][0]
        self.assertEqual("cpu", cpu["device"])
        self.assertEqual([1000, 1000], cpu["matmul_shape"])
        self.assertGreater(cpu["matmul_ms"], 0)
        self.assertEqual(torch.cuda.is_available(), info["cuda_available"])
        self.assertEqual(1 + (torch.cuda.device_count() if torch.cuda.is_available() else 0), len(info["devices"]))
        json.dumps(info)
        printed = out.getvalue().splitlines()
        self.assertTrue(all(line.startswith("exprun check_env:") for line in printed), printed)
        self.assertIn("1000x1000", out.getvalue())

    def test_command_line(self):
        import subprocess
        r = subprocess.run([sys.executable, EXPRUN_PY, "check-env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, cwd=self.tmp, env=self.subprocess_env(), timeout=300)
        self.assertEqual(0, r.returncode, r.stderr)
        last = r.stdout.splitlines()[-1]
        self.assertTrue(last.startswith("EXPRUN_CHECK_ENV_JSON: "), r.stdout)
        info = json.loads(last.split(": ", 1)[1])
        self.assertEqual(torch.__version__, info["torch"])
        self.assertEqual([1000, 1000], info["devices"][0]["matmul_shape"])


if __name__ == "__main__":
    unittest.main()
