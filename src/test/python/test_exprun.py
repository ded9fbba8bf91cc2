"""Tests of exprun.py that need no torch (the torch ones are in test_exprun_torch.py).

    python3 -m unittest discover -s src/test/python -v

save()/load_provenance() are exercised here with a small pickle-based stand-in for torch, injected
into sys.modules (or, for the crash in a subprocess, put on its PYTHONPATH); the real torch is
covered by test_exprun_torch.py.
"""
import collections
import contextlib
import copy
import importlib
import io
import json
import math
import os
import pickle
import signal
import struct
import sys
import textwrap
import threading
import time
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from exprun_testlib import (DEVICE_READS, EXPECTED_PROVENANCE, EXPRUN_PY, HAVE_NUMPY,  # noqa: E402
                            PROVENANCE_KEYS, RECORD, ExprunTestCase, FakeDeviceTensor, FakeTensor, exprun,
                            fake_torch, quiet_log, sha256_of)

NO_TORCH = {"torch": None}  # sys.modules entry None: "import torch" raises ImportError


def run_threads(work, n_threads):
    """work(k) on n_threads threads at once, k = 0..n_threads-1; returns when all have ended."""
    threads = [threading.Thread(target=work, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


class ParamsTest(ExprunTestCase):
    def test_params_file_typed_and_preferred_over_env(self):
        values = {"epochs": 40, "lr": 0.01, "name": "spiral", "flag": True, "layers": [64, 32],
                  "opt": {"beta": 0.9}, "none": None, "big": 12345678901234567890}
        os.environ["EXP_PARAMS_FILE"] = self.write_json("params.json", values)
        os.environ["EXP_PARAMS"] = '{"epochs": 1}'
        p = exprun.params()
        self.assertEqual(values, p)
        self.assertIs(type(p["epochs"]), int)
        self.assertIs(type(p["lr"]), float)
        self.assertIs(type(p["flag"]), bool)
        self.assertIs(type(p["layers"]), list)
        self.assertIsNone(p["none"])

    def test_params_from_env_when_the_file_is_missing(self):
        os.environ["EXP_PARAMS_FILE"] = os.path.join(self.tmp, "nope.json")
        os.environ["EXP_PARAMS"] = '{"epochs":3,"lr":1e-3,"tag":"x"}'
        self.assertEqual({"epochs": 3, "lr": 0.001, "tag": "x"}, exprun.params())
        self.assertIs(type(exprun.params()["epochs"]), int)

    def test_params_empty_without_plugin(self):
        self.assertEqual({}, exprun.params())

    def test_params_are_a_fresh_dict_each_call(self):
        os.environ["EXP_PARAMS"] = '{"epochs": 3}'
        exprun.params()["epochs"] = 99
        self.assertEqual(3, exprun.params()["epochs"])

    def test_malformed_params_name_the_source(self):
        os.environ["EXP_PARAMS"] = "{not json"
        with self.assertRaisesRegex(ValueError, "EXP_PARAMS"):
            exprun.params()
        os.environ["EXP_PARAMS"] = "[1, 2]"
        with self.assertRaisesRegex(ValueError, "JSON object"):
            exprun.params()


class ProvenanceTest(ExprunTestCase):
    def test_from_the_provenance_file(self):
        env = self.set_plugin_env()
        # The file wins over the environment where both have a value.
        os.environ["EXP_RUN_ID"] = "from-env"
        os.environ["EXP_PARAMS_FILE"] = self.write_json("other-params.json", {"epochs": 1})
        p = exprun.provenance()
        self.assertEqual(EXPECTED_PROVENANCE, p)
        self.assertEqual(PROVENANCE_KEYS, set(p))
        self.assertTrue(env["EXP_PROVENANCE_FILE"].endswith("provenance.json"))
        json.dumps(p)

    def test_from_the_environment_only(self):
        env = self.plugin_env()
        del env["EXP_PROVENANCE_FILE"]
        os.environ.update(env)
        p = exprun.provenance()
        self.assertEqual(PROVENANCE_KEYS, set(p))
        self.assertEqual(RECORD["runId"], p["run_id"])
        self.assertEqual(RECORD["git"]["commit"], p["commit"])
        self.assertEqual("main", p["branch"])
        self.assertEqual("v1.0-3-g747dab2", p["describe"])
        self.assertIs(True, p["dirty"])
        self.assertEqual(RECORD["image"]["reference"], p["image"])
        self.assertEqual(RECORD["image"]["digest"], p["image_digest"])
        self.assertEqual({"epochs": 40, "lr": 0.01}, p["params"])
        for absent in ("patch_sha256", "project", "started_at", "schema"):
            self.assertIsNone(p[absent], absent)

    def test_environment_outside_git(self):
        os.environ.update({"EXP_RUN_ID": "r1", "EXP_GIT_COMMIT": "", "EXP_GIT_BRANCH": "", "EXP_GIT_DESCRIBE": "",
                           "EXP_GIT_DIRTY": "false", "EXP_PARAMS": "{}"})
        p = exprun.provenance()
        self.assertEqual("r1", p["run_id"])
        self.assertIsNone(p["commit"])
        self.assertIsNone(p["branch"])
        self.assertIs(False, p["dirty"])

    def test_nothing_set(self):
        os.environ.pop("EXP_OUTPUT_DIR")
        p = exprun.provenance()
        self.assertEqual(PROVENANCE_KEYS, set(p))
        self.assertEqual({}, p["params"])
        for k in PROVENANCE_KEYS - {"params"}:
            self.assertIsNone(p[k], k)

    def test_missing_fields_in_the_file_are_tolerated(self):
        os.environ["EXP_PROVENANCE_FILE"] = self.write_json(
            "provenance.json", {"runId": "r2", "git": {"present": True, "commit": "abc"}, "project": {"x": 1}})
        os.environ["EXP_IMAGE"] = "img:1"
        os.environ["EXP_GIT_DIRTY"] = "false"
        p = exprun.provenance()
        self.assertEqual("r2", p["run_id"])
        self.assertEqual("abc", p["commit"])
        self.assertIsNone(p["branch"])
        self.assertEqual("img:1", p["image"])
        self.assertIs(False, p["dirty"])
        self.assertIsNone(p["project"])
        self.assertEqual({}, p["params"])

    def test_git_not_present(self):
        record = dict(RECORD, git={"present": False})
        self.set_plugin_env(record)
        p = exprun.provenance()
        self.assertIsNone(p["commit"])
        self.assertIsNone(p["patch_sha256"])
        self.assertIs(False, p["dirty"])

    def test_malformed_file_falls_back_to_the_environment_and_says_so_once(self):
        path = os.path.join(self.tmp, "provenance.json")
        with open(path, "w") as f:
            f.write("{truncated")
        os.environ["EXP_PROVENANCE_FILE"] = path
        os.environ["EXP_RUN_ID"] = "r3"
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual("r3", exprun.provenance()["run_id"])
            self.assertEqual("r3", exprun.provenance()["run_id"])
        self.assertEqual(1, err.getvalue().count(path), err.getvalue())


class LogTest(ExprunTestCase):
    def test_line_format(self):
        before = time.time()
        exprun.log(step=3, loss=0.5, name="x", ok=True, nothing=None, lst=[1, 2])
        exprun.log(acc=1)
        exprun.log(7, epoch_loss=0.25)
        exprun._flush_log()
        lines = self.read_series()
        self.assertEqual(3, len(lines))
        self.assertEqual(["step", "loss", "name", "ok", "nothing", "lst", "time"], list(lines[0]))
        self.assertEqual({"step": 3, "loss": 0.5, "name": "x", "ok": True, "nothing": None, "lst": [1, 2]},
                         {k: v for k, v in lines[0].items() if k != "time"})
        self.assertNotIn("step", lines[1])
        self.assertEqual(1, lines[1]["acc"])
        self.assertEqual(7, lines[2]["step"])
        for line in lines:
            self.assertIsInstance(line["time"], float)
            self.assertTrue(before - 1 <= line["time"] <= time.time() + 1)

    def test_nan_and_infinity_as_python_json_writes_them(self):
        exprun.log(step=1, a=float("nan"), b=float("inf"), c=float("-inf"))
        exprun._flush_log()
        with open(self.series_path()) as f:
            text = f.read()
        self.assertIn('"a": NaN', text)
        self.assertIn('"b": Infinity', text)
        self.assertIn('"c": -Infinity', text)
        line = self.read_series()[0]
        self.assertTrue(math.isnan(line["a"]))
        self.assertEqual(float("inf"), line["b"])

    def test_same_text_as_json_dumps(self):
        rec = {"step": 5, "loss": 0.1 + 0.2, "s": "\u00e9\n\"", "big": 10 ** 20, "neg": -0.0}
        exprun.log(**rec)
        exprun._flush_log()
        with open(self.series_path()) as f:
            line = f.readline()
        self.assertTrue(line.startswith(json.dumps(rec)[:-1] + ", \"time\": "), line)

    @unittest.skipUnless(HAVE_NUMPY, "numpy is not installed")
    def test_numpy_values(self):
        import numpy as np
        exprun.log(step=np.int64(2), f32=np.float32(0.5), i64=np.int64(7), b=np.bool_(True),
                   f64=np.float64(0.25), zero_d=np.array(2.5), vec=np.array([1, 2]))
        exprun._flush_log()
        line = self.read_series()[0]
        self.assertEqual({"step": 2, "f32": 0.5, "i64": 7, "b": True, "f64": 0.25, "zero_d": 2.5, "vec": [1, 2]},
                         {k: v for k, v in line.items() if k != "time"})

    def test_unserialisable_value_raises_at_the_call(self):
        with self.assertRaisesRegex(TypeError, "object"):
            exprun.log(step=1, x=object())
        exprun.log(step=2, x=1)
        exprun._flush_log()
        self.assertEqual([2], [line["step"] for line in self.read_series()])

    def test_a_time_metric_replaces_the_timestamp(self):
        exprun.log(step=1, time=5.0)
        exprun._flush_log()
        self.assertEqual({"step": 1, "time": 5.0}, self.read_series()[0])

    def test_thread_safe(self):
        n_threads, n = 8, 2000

        def work(k):
            for i in range(n):
                exprun.log(step=i, thread=k)

        run_threads(work, n_threads)
        exprun._flush_log()
        lines = self.read_series()
        self.assertEqual(n_threads * n, len(lines))
        for k in range(n_threads):
            self.assertEqual(list(range(n)), [line["step"] for line in lines if line["thread"] == k])

    def test_flush_when_a_call_finds_the_buffer_a_second_old(self):
        # The flush thread is switched off (_TICK huge): only log()'s own clock check writes.
        r = self.run_script("""
            import json, os, time, exprun
            exprun._TICK = 3600
            def count():
                with open(os.path.join(os.environ["EXP_OUTPUT_DIR"], "metrics.jsonl")) as f:
                    return len(f.readlines())
            exprun.log(step=0)          # the first call writes at once
            exprun.log(step=1)
            exprun.log(step=2)
            first = count()
            time.sleep(1.2)
            exprun.log(step=3)          # a second later: writes 1, 2 and 3
            print(json.dumps([first, count()]))
            os._exit(0)                 # no atexit flush
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual([1, 4], json.loads(r.stdout.strip()))

    def test_flush_thread_writes_when_the_script_goes_quiet(self):
        r = self.run_script("""
            import json, os, time, exprun
            def count():
                with open(os.path.join(os.environ["EXP_OUTPUT_DIR"], "metrics.jsonl")) as f:
                    return len(f.readlines())
            for i in range(5):
                exprun.log(step=i)
            first = count()
            time.sleep(1.5)             # the flush thread writes within ~0.75 s
            print(json.dumps([first, count()]))
            os._exit(0)
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual([1, 5], json.loads(r.stdout.strip()))

    def test_sigkill_after_a_quiet_second_loses_nothing(self):
        p = self.start_script("""
            import time, exprun
            for i in range(200):
                exprun.log(step=i, loss=1.0 / (i + 1), note="early")
            print("EARLY", flush=True)
            time.sleep(1.5)
            print("LATE", flush=True)
            time.sleep(60)
        """)
        self.expect_line(p, "EARLY")
        time.sleep(1.2)  # inside the child's 1.5 s sleep
        p.send_signal(signal.SIGKILL)
        rc, _out, err = self.finish(p)
        self.assertEqual(-signal.SIGKILL, rc, err)
        lines = self.read_series()
        self.assertEqual(list(range(200)), [line["step"] for line in lines])

    def test_sigkill_while_logging_leaves_whole_lines(self):
        p = self.start_script("""
            import time, exprun
            for i in range(100):
                exprun.log(step=i, note="early")
            print("EARLY", flush=True)
            time.sleep(1.5)
            print("BUSY", flush=True)
            i = 100
            while True:
                exprun.log(step=i, loss=i * 0.5, pad="x" * 40)
                i += 1
        """)
        self.expect_line(p, "EARLY")
        self.expect_line(p, "BUSY")
        time.sleep(1.3)
        p.send_signal(signal.SIGKILL)
        self.finish(p)
        # A batch is one write(); Linux may stop a multi-page write at a page boundary when SIGKILL
        # lands during it, so only an unterminated last fragment is tolerated (see the module doc).
        lines = self.read_series(allow_cut_tail=True)
        steps = [line["step"] for line in lines]
        self.assertEqual(list(range(len(steps))), steps)
        self.assertGreater(len(steps), 100)

    def test_sigterm_flushes_then_dies_of_sigterm(self):
        p = self.start_script("""
            import time, exprun
            exprun._TICK = 3600          # neither the flush thread
            exprun._FLUSH_EVERY = 3600   # nor the clock check writes: only the SIGTERM handler
            for i in range(100):
                exprun.log(step=i)
            print("READY", flush=True)
            time.sleep(60)
        """)
        self.expect_line(p, "READY")
        p.send_signal(signal.SIGTERM)
        rc, _out, err = self.finish(p)
        self.assertEqual(-signal.SIGTERM, rc, err)
        self.assertEqual(list(range(100)), [line["step"] for line in self.read_series()])

    def test_a_users_sigterm_handler_is_left_alone(self):
        p = self.start_script("""
            import signal, sys, time
            def mine(signum, frame):
                print("USER-HANDLER", flush=True)
                sys.exit(3)
            signal.signal(signal.SIGTERM, mine)
            import exprun
            exprun._TICK = 3600
            exprun._FLUSH_EVERY = 3600
            for i in range(10):
                exprun.log(step=i)
            print("READY", flush=True)
            time.sleep(60)
        """)
        self.expect_line(p, "READY")
        p.send_signal(signal.SIGTERM)
        rc, out, err = self.finish(p)
        self.assertEqual(3, rc, err)
        self.assertIn("USER-HANDLER", out)
        self.assertEqual(list(range(10)), [line["step"] for line in self.read_series()])  # via atexit

    def test_uncaught_exception_flushes_and_chains_the_previous_hook(self):
        r = self.run_script("""
            import os, sys, exprun
            exprun._TICK = 3600
            exprun._FLUSH_EVERY = 3600
            def users_hook(tp, value, tb):
                with open(os.path.join(os.environ["EXP_OUTPUT_DIR"], "metrics.jsonl")) as f:
                    print("USER-HOOK lines=%d" % len(f.readlines()), flush=True)
                sys.__excepthook__(tp, value, tb)
            sys.excepthook = users_hook
            for i in range(50):
                exprun.log(step=i)
            raise RuntimeError("boom")
        """)
        self.assertEqual(1, r.returncode)
        self.assertIn("USER-HOOK lines=50", r.stdout)  # written before the user's hook ran
        self.assertIn("RuntimeError: boom", r.stderr)
        self.assertEqual(50, len(self.read_series()))

    def test_normal_exit_flushes(self):
        r = self.run_script("""
            import exprun
            exprun._TICK = 3600
            exprun._FLUSH_EVERY = 3600
            for i in range(10):
                exprun.log(step=i)
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual(list(range(10)), [line["step"] for line in self.read_series()])

    @unittest.skipUnless(hasattr(os, "fork"), "no fork on this platform")
    def test_a_forked_child_does_not_write_the_parents_buffer(self):
        r = self.run_script("""
            import os, sys, exprun
            exprun._TICK = 3600
            exprun._FLUSH_EVERY = 3600
            for i in range(5):
                exprun.log(step=i, who="parent")
            pid = os.fork()
            if pid == 0:
                exprun.log(step=100, who="child")
                sys.exit(0)
            os.waitpid(pid, 0)
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        lines = self.read_series()
        self.assertEqual(sorted([0, 1, 2, 3, 4, 100]), sorted(line["step"] for line in lines))

    def test_reload_writes_what_was_buffered(self):
        exprun.log(step=1)
        exprun.log(step=2)  # buffered
        hook = sys.excepthook
        importlib.reload(exprun)
        self.assertIs(hook, sys.excepthook)  # hooks are installed once per process
        self.assertEqual([1, 2], [line["step"] for line in self.read_series()])
        exprun.log(step=3)
        exprun._flush_log()
        self.assertEqual([1, 2, 3], [line["step"] for line in self.read_series()])


def dev(value, **kwargs):
    return FakeDeviceTensor(value, **kwargs)


def without_time(line):
    return {k: v for k, v in line.items() if k != "time"}


class DeviceLogTest(ExprunTestCase):
    """log() with device tensors (FakeDeviceTensor: a CUDA tensor's interface, reads recorded)."""

    def setUp(self):
        super().setUp()
        del DEVICE_READS[:]
        quiet_log(self)

    def text(self):
        with open(self.series_path()) as f:
            return f.read()

    def test_log_does_not_read_a_device_tensor_the_flush_does(self):
        loss = dev(0.5)
        exprun.log(step=1, loss=loss)
        self.assertEqual([], DEVICE_READS)
        self.assertEqual(1, len(loss.clones), "log() keeps a copy of the value")
        exprun._flush_log()
        self.assertEqual([("item", 0.5)], DEVICE_READS)
        self.assertEqual([{"step": 1, "loss": 0.5}], [without_time(x) for x in self.read_series()])

    def test_same_bytes_as_reading_the_value_at_the_call(self):
        def record(make):
            return dict(step=make(7), loss=make(0.1 + 0.2), n=make(3), flag=make(True), nan=make(float("nan")),
                        inf=make(float("-inf")), vec=make([1.0, 2.5]), grid=make([[1, 2], [3, 4]]), empty=make([]),
                        plain=0.25, name="x\u00e9", nested={"a": make(1.5), "b": [make(2), 3]}, time=1234.5)
        exprun.log(**record(lambda v: dev(v, device="cpu")))  # read at the call: the old path
        exprun.log(**record(dev))
        exprun._flush_log()
        with open(self.series_path(), "rb") as f:
            eager, deferred = f.read().splitlines()
        self.assertEqual(eager, deferred)
        self.assertTrue(eager.startswith(b'{"step": 7, "loss": 0.30000000000000004, "n": 3, "flag": true, '
                                         b'"nan": NaN, "inf": -Infinity, "vec": [1.0, 2.5], '), eager)

    def test_time_is_taken_at_the_call(self):
        before = time.time()
        exprun.log(step=1, loss=dev(1.0))
        after = time.time()
        time.sleep(0.3)
        exprun._flush_log()
        line = self.read_series()[0]
        self.assertEqual(["step", "loss", "time"], list(line))
        self.assertTrue(before <= line["time"] <= after, (before, line["time"], after))

    def test_an_in_place_change_after_the_call_does_not_change_the_line(self):
        running = dev(1.0)
        exprun.log(step=1, total=running)
        running.add_(5.0)
        view = running.detach()  # shares the storage, as torch's detach() does: the change is visible there
        self.assertEqual(6.0, view.storage[0])
        exprun.log(step=2, total=running)
        exprun._flush_log()
        self.assertEqual([1.0, 6.0], [line["total"] for line in self.read_series()])

    def test_a_changed_list_after_the_call_does_not_change_the_line(self):
        values = [dev(1.0), 2.0]
        exprun.log(step=1, values=values)
        values.append(3.0)
        values[0] = dev(9.0)
        exprun._flush_log()
        self.assertEqual([1.0, 2.0], self.read_series()[0]["values"])

    def test_many_calls_in_order_one_read_each_at_the_flush(self):
        for i in range(100):
            exprun.log(step=i, loss=dev(i * 0.5))
            exprun.log(step=i, note="plain %d" % i)
        self.assertEqual([], DEVICE_READS)
        exprun._flush_log()
        self.assertEqual(100, len(DEVICE_READS))
        lines = self.read_series()
        self.assertEqual([i for i in range(100) for _ in (0, 1)], [line["step"] for line in lines])
        self.assertEqual([i * 0.5 for i in range(100)], [line["loss"] for line in lines[0::2]])
        self.assertEqual(["plain %d" % i for i in range(100)], [line["note"] for line in lines[1::2]])

    def test_an_unreadable_value_is_null_said_once_and_the_rest_is_written(self):
        broken = RuntimeError("CUDA error: an illegal memory access was encountered\nmore detail")
        exprun.log(step=0)
        exprun._flush_log()
        exprun.log(step=1, loss=dev(0.5, error=broken), acc=dev(0.75), lr=0.1)
        exprun.log(step=2, loss=dev(0.25, error=broken))
        exprun.log(step=3, loss=0.125)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            exprun._flush_log()
            exprun.log(step=4, loss=dev(1.0, error=broken))
            exprun._flush_log()
        lines = [without_time(x) for x in self.read_series()]
        self.assertEqual([{"step": 0}, {"step": 1, "loss": None, "acc": 0.75, "lr": 0.1}, {"step": 2, "loss": None},
                          {"step": 3, "loss": 0.125}, {"step": 4, "loss": None}], lines)
        said = err.getvalue().splitlines()
        self.assertEqual(1, len(said), err.getvalue())
        self.assertIn("RuntimeError: CUDA error: an illegal memory access was encountered", said[0])
        self.assertIn("null", said[0])

    def test_what_json_cannot_write_still_raises_at_the_call(self):
        with self.assertRaisesRegex(TypeError, "object"):
            exprun.log(step=1, loss=dev(0.5), x=object())
        with self.assertRaises(TypeError):
            exprun.log(step=2, loss=dev(0.5), bad={(1, 2): 3})
        exprun.log(step=3, loss=dev(0.5))
        exprun._flush_log()
        self.assertEqual([3], [line["step"] for line in self.read_series()])

    def test_a_value_that_reads_as_no_json_number_is_null(self):
        exprun.log(step=0)
        exprun._flush_log()
        exprun.log(step=1, loss=dev(complex(1, 2)), acc=0.5)  # (a real complex tensor is refused at the call)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            exprun._flush_log()
        self.assertEqual({"step": 1, "loss": None, "acc": 0.5}, without_time(self.read_series()[1]))
        self.assertIn("complex", err.getvalue())

    def test_thread_safe_with_device_values(self):
        n_threads, n = 4, 500

        def work(k):
            for i in range(n):
                exprun.log(step=i, thread=k, loss=dev(float(i)))
                if i % 100 == 0:
                    exprun._flush_log()

        run_threads(work, n_threads)
        exprun._flush_log()
        lines = self.read_series()
        self.assertEqual(n_threads * n, len(lines))
        for k in range(n_threads):
            mine = [line for line in lines if line["thread"] == k]
            self.assertEqual(list(range(n)), [line["step"] for line in mine])
            self.assertEqual([float(i) for i in range(n)], [line["loss"] for line in mine])

    def test_reload_writes_buffered_device_values(self):
        exprun.log(step=1, loss=dev(0.5))
        exprun.log(step=2, loss=dev(0.25))  # buffered
        importlib.reload(exprun)
        self.assertEqual([0.5, 0.25], [line["loss"] for line in self.read_series()])

    # -- in a child: the flush thread, exit, SIGTERM, an uncaught exception, fork ------------------

    PRELUDE = """
        import os, sys, time, exprun
        from exprun_testlib import DEVICE_READS, FakeDeviceTensor
        {quiet}
        for i in range(50):
            exprun.log(step=i, loss=FakeDeviceTensor(i * 0.25))
        print("READY reads=%d" % len(DEVICE_READS), flush=True)
    """

    def child(self, rest, quiet=True):
        q = "exprun._TICK = 3600\n        exprun._FLUSH_EVERY = 3600" if quiet else ""
        return textwrap.dedent(self.PRELUDE.format(quiet=q)) + textwrap.dedent(rest)

    def expect_values(self):
        lines = self.read_series()
        self.assertEqual(list(range(50)), [line["step"] for line in lines])
        self.assertEqual([i * 0.25 for i in range(50)], [line["loss"] for line in lines])

    def test_normal_exit_reads_and_writes(self):
        r = self.run_script(self.child(""))
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertIn("READY reads=1", r.stdout)  # the first call is written at once: the rest at exit
        self.expect_values()

    def test_the_flush_thread_reads_and_writes_when_the_script_goes_quiet(self):
        p = self.start_script(self.child("""
            time.sleep(1.5)
            print("QUIET reads=%d" % len(DEVICE_READS), flush=True)
            time.sleep(60)
        """, quiet=False))
        self.expect_line(p, "READY reads=1")  # the first call is written at once
        self.expect_line(p, "QUIET reads=50")
        p.send_signal(signal.SIGKILL)
        self.finish(p)
        self.expect_values()

    def test_sigterm_reads_and_writes(self):
        p = self.start_script(self.child("time.sleep(60)"))
        self.expect_line(p, "READY reads=1")
        p.send_signal(signal.SIGTERM)
        rc, _out, err = self.finish(p)
        self.assertEqual(-signal.SIGTERM, rc, err)
        self.expect_values()

    def test_uncaught_exception_reads_and_writes(self):
        r = self.run_script(self.child('raise RuntimeError("boom")'))
        self.assertEqual(1, r.returncode)
        self.assertIn("RuntimeError: boom", r.stderr)
        self.expect_values()

    @unittest.skipUnless(hasattr(os, "fork"), "no fork on this platform")
    def test_a_forked_child_does_not_write_the_parents_device_values(self):
        r = self.run_script(self.child("""
            pid = os.fork()
            if pid == 0:
                exprun.log(step=100, loss=FakeDeviceTensor(-1.0))
                sys.exit(0)
            os.waitpid(pid, 0)
        """))
        self.assertEqual(0, r.returncode, r.stderr)
        lines = self.read_series()
        self.assertEqual(list(range(50)) + [100], sorted(line["step"] for line in lines))
        self.assertEqual(-1.0, [line["loss"] for line in lines if line["step"] == 100][0])


class SummaryTest(ExprunTestCase):
    def metrics_json(self):
        with open(os.path.join(self.out, "metrics.json")) as f:
            return f.read()

    def test_writes_and_merges(self):
        self.assertEqual({"a": 1, "b": 0.5}, exprun.summary(a=1, b=0.5))
        self.assertEqual({"a": 1, "b": 0.5}, json.loads(self.metrics_json()))
        merged = exprun.summary(b=0.25, c=float("nan"), d=float("-inf"))
        text = self.metrics_json()
        self.assertIn("NaN", text)
        self.assertIn("-Infinity", text)
        data = json.loads(text)
        self.assertEqual(["a", "b", "c", "d"], list(data))
        self.assertEqual(0.25, data["b"])
        self.assertTrue(math.isnan(data["c"]))
        self.assertEqual(["a", "b", "c", "d"], list(merged))
        self.assertEqual([], self.temp_leftovers())

    def test_flushes_log(self):
        exprun._FLUSH_EVERY = 3600
        self.addCleanup(setattr, exprun, "_FLUSH_EVERY", 1.0)
        exprun.log(step=1)
        exprun.log(step=2)
        exprun.summary(x=1)
        self.assertEqual([1, 2], [line["step"] for line in self.read_series()])

    def test_a_failed_write_keeps_the_previous_file(self):
        exprun.summary(a=1)
        with mock.patch.object(exprun.os, "replace", side_effect=OSError("simulated crash before the rename")):
            with self.assertRaises(OSError):
                exprun.summary(a=2)
        self.assertEqual({"a": 1}, json.loads(self.metrics_json()))
        self.assertEqual([], self.temp_leftovers())

    def test_values_must_be_numbers(self):
        with self.assertRaisesRegex(TypeError, "'name'.*not a number"):
            exprun.summary(name="x")
        with self.assertRaisesRegex(TypeError, "'nothing'"):
            exprun.summary(nothing=None)
        self.assertEqual({"ok": 1}, exprun.summary(ok=True))
        self.assertEqual({"ok": 1, "t": 0.5}, exprun.summary(t=FakeTensor(0.5)))

    @unittest.skipUnless(HAVE_NUMPY, "numpy is not installed")
    def test_numpy_values_become_plain_numbers(self):
        import numpy as np
        merged = exprun.summary(a=np.float32(0.5), b=np.int64(3), c=np.float64(0.25))
        self.assertEqual({"a": 0.5, "b": 3, "c": 0.25}, merged)
        self.assertIs(type(merged["c"]), float)

    @unittest.skipUnless(os.name == "posix", "POSIX modes")
    def test_file_mode_follows_the_umask_like_a_plain_open(self):
        old = os.umask(0o022)
        try:
            exprun.summary(a=1)
        finally:
            os.umask(old)
        self.assertEqual(0o644, os.stat(os.path.join(self.out, "metrics.json")).st_mode & 0o777)


class FallbackTest(ExprunTestCase):
    def test_without_the_plugin_outputs_go_to_exprun_out_said_once(self):
        work = os.path.join(self.tmp, "work")
        os.makedirs(work)
        r = self.run_script("""
            import exprun
            exprun.log(step=1, loss=0.5)
            exprun.log(step=2, loss=0.25)
            exprun.summary(loss=0.25)
            exprun.log(step=3, loss=0.125)
        """, cwd=work, output_dir=False)
        self.assertEqual(0, r.returncode, r.stderr)
        err_lines = r.stderr.splitlines()
        self.assertEqual(1, len(err_lines), r.stderr)
        self.assertIn("EXP_OUTPUT_DIR is not set", err_lines[0])
        self.assertIn(os.path.join(os.path.realpath(work), "exprun-out"), os.path.realpath(err_lines[0].split()[-1]))
        fallback = os.path.join(work, "exprun-out")
        self.assertEqual([1, 2, 3], [line["step"] for line in self.read_series(os.path.join(fallback, "metrics.jsonl"))])
        with open(os.path.join(fallback, "metrics.json")) as f:
            self.assertEqual({"loss": 0.25}, json.load(f))


class SavePathTest(ExprunTestCase):
    """The path checks come before torch is imported: they run everywhere."""

    def test_absolute_path_outside_is_refused(self):
        elsewhere = os.path.join(self.tmp, "elsewhere", "best.pt")
        with mock.patch.dict(sys.modules, NO_TORCH):
            with self.assertRaises(ValueError) as ctx:
                exprun.save({"a": 1}, elsewhere)
        self.assertIn(elsewhere, str(ctx.exception))
        self.assertIn(self.out, str(ctx.exception))
        self.assertFalse(os.path.exists(elsewhere))

    def test_relative_escape_is_refused(self):
        with self.assertRaisesRegex(ValueError, "not inside the output directory"):
            exprun.save({"a": 1}, "../best.pt")
        with self.assertRaisesRegex(ValueError, "not inside the output directory"):
            exprun.save({"a": 1}, self.out)

    @unittest.skipUnless(hasattr(os, "symlink"), "no symlinks")
    def test_symlink_out_of_the_output_dir_is_refused(self):
        other = os.path.join(self.tmp, "other")
        os.makedirs(other)
        os.symlink(other, os.path.join(self.out, "link"))
        with self.assertRaisesRegex(ValueError, "link"):
            exprun.save({"a": 1}, "link/best.pt")


class FakeTorchSaveTest(ExprunTestCase):
    """save()/load_provenance() logic with a pickle-based stand-in for torch."""

    def setUp(self):
        super().setUp()
        self.set_plugin_env()
        self.torch = fake_torch()
        patcher = mock.patch.dict(sys.modules, {"torch": self.torch})
        patcher.start()
        self.addCleanup(patcher.stop)

    def load(self, path):
        with open(path, "rb") as f:
            return pickle.load(f)

    def sidecar(self, path):
        with open(path + ".provenance.json") as f:
            return json.load(f)

    def test_save_adds_provenance_without_touching_the_callers_dict(self):
        ckpt = {"model": {"w": [1, 2]}, "epoch": 3}
        before = copy.deepcopy(ckpt)
        path = exprun.save(ckpt, "ckpt/best.pt")
        self.assertEqual(os.path.join(self.out, "ckpt", "best.pt"), path)
        self.assertEqual(before, ckpt)
        saved = self.load(path)
        self.assertEqual(EXPECTED_PROVENANCE, saved.pop("exprun"))
        self.assertEqual(before, saved)
        side = self.sidecar(path)
        self.assertEqual(sha256_of(path), side["sha256"])
        self.assertEqual(os.path.getsize(path), side["size"])
        self.assertEqual("best.pt", side["file"])
        self.assertEqual(EXPECTED_PROVENANCE, {k: side[k] for k in PROVENANCE_KEYS})
        self.assertEqual([], self.temp_leftovers())

    def test_embed_false_keeps_provenance_in_the_sidecar_only(self):
        ckpt = {"model": {"w": [1, 2]}, "epoch": 3}
        path = exprun.save(ckpt, "plain.pt", embed=False)
        self.assertEqual(ckpt, self.load(path))
        self.assertEqual(EXPECTED_PROVENANCE, {k: self.sidecar(path)[k] for k in PROVENANCE_KEYS})

    def test_absolute_path_inside_is_accepted(self):
        path = exprun.save({"a": 1}, os.path.join(self.out, "x.pt"))
        self.assertEqual(os.path.join(self.out, "x.pt"), path)
        self.assertTrue(os.path.isfile(path))

    def test_state_dict_like_dicts_and_other_objects_are_saved_as_given(self):
        sd = {"w": FakeTensor(1.0), "b": FakeTensor(0.0)}
        path = exprun.save(sd, "sd.pt")
        self.assertEqual(sd, self.load(path))
        self.assertEqual(sha256_of(path), self.sidecar(path)["sha256"])
        path = exprun.save([1, 2, 3], "list.pt")
        self.assertEqual([1, 2, 3], self.load(path))

    def test_failure_midway_leaves_no_file_under_the_final_name(self):
        sys.modules["torch"] = fake_torch(fail_after=10)
        with self.assertRaisesRegex(RuntimeError, "midway"):
            exprun.save({"epoch": 1}, "best.pt")
        self.assertFalse(os.path.exists(os.path.join(self.out, "best.pt")))
        self.assertFalse(os.path.exists(os.path.join(self.out, "best.pt.provenance.json")))
        self.assertEqual([], self.temp_leftovers())

    def test_failure_midway_keeps_the_previous_file(self):
        path = exprun.save({"epoch": 1}, "best.pt")
        sys.modules["torch"] = fake_torch(fail_after=10)
        with self.assertRaises(RuntimeError):
            exprun.save({"epoch": 2}, "best.pt")
        self.assertEqual(1, self.load(path)["epoch"])
        self.assertEqual(sha256_of(path), self.sidecar(path)["sha256"])

    def test_process_killed_midway_leaves_no_file_under_the_final_name(self):
        fake_dir = os.path.join(self.tmp, "fakemods")
        os.makedirs(fake_dir)
        with open(os.path.join(fake_dir, "torch.py"), "w") as f:
            f.write("import os, pickle\n"
                    "class Tensor(object):\n    pass\n"
                    "def save(obj, f, **kw):\n"
                    "    data = pickle.dumps(obj) * 100\n"
                    "    f.write(data[:len(data) // 2])\n"
                    "    f.flush()\n"
                    "    os._exit(9)\n")
        r = self.run_script("""
            import exprun
            exprun.save({"epoch": 2}, "best.pt")
        """, pythonpath=[fake_dir])
        self.assertEqual(9, r.returncode, r.stderr)
        self.assertEqual([], [n for n in os.listdir(self.out) if not n.endswith(".tmp")])

    def test_load_provenance_via_the_sidecar_without_loading_the_file(self):
        path = exprun.save({"epoch": 1}, "best.pt")
        prov = exprun.load_provenance(path)
        self.assertEqual([], self.torch.load_calls)
        self.assertEqual(EXPECTED_PROVENANCE, {k: prov[k] for k in PROVENANCE_KEYS})
        self.assertEqual(sha256_of(path), prov["sha256"])
        # A relative path is also looked up in the output dir.
        self.assertEqual(prov, exprun.load_provenance("best.pt"))

    def test_load_provenance_stale_sidecar_uses_weights_only_load(self):
        path = exprun.save({"epoch": 1}, "best.pt")
        with open(path, "wb") as f:  # changed after the save: the sidecar no longer matches
            pickle.dump({"epoch": 2, "exprun": {"run_id": "other"}}, f)
        self.assertEqual({"run_id": "other"}, exprun.load_provenance(path))
        self.assertEqual([{"map_location": "cpu", "weights_only": True}], self.torch.load_calls)

    def test_load_provenance_missing_sidecar_uses_weights_only_load(self):
        path = exprun.save({"epoch": 1}, "best.pt")
        os.unlink(path + ".provenance.json")
        self.assertEqual(EXPECTED_PROVENANCE, exprun.load_provenance(path))
        self.assertEqual([{"map_location": "cpu", "weights_only": True}], self.torch.load_calls)

    def test_load_provenance_none_when_the_file_carries_none(self):
        path = os.path.join(self.out, "plain.pt")
        with open(path, "wb") as f:
            pickle.dump([1, 2], f)
        self.assertIsNone(exprun.load_provenance(path))

    def test_a_torch_without_weights_only_is_not_asked_to_unpickle(self):
        old = fake_torch(weights_only=False)
        sys.modules["torch"] = old
        path = exprun.save({"epoch": 1}, "best.pt")
        self.assertEqual(EXPECTED_PROVENANCE, {k: exprun.load_provenance(path)[k] for k in PROVENANCE_KEYS})
        os.unlink(path + ".provenance.json")
        with self.assertRaisesRegex(RuntimeError, "weights_only.*refusing to unpickle"):
            exprun.load_provenance(path)
        self.assertEqual([], old.load_calls)

    def test_without_torch_and_without_sidecar_load_provenance_says_so(self):
        path = os.path.join(self.out, "x.pt")
        with open(path, "wb") as f:
            f.write(b"not a checkpoint")
        with mock.patch.dict(sys.modules, NO_TORCH):
            with self.assertRaisesRegex(RuntimeError, "torch is not installed"):
                exprun.load_provenance(path)


class Evil(object):
    """Unpickling this would run a shell command; the restricted reader must never do it."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch %s" % self.marker,))


class StorageRef(object):
    """Pickled by persistent id, as torch pickles tensor storages."""


class _PersistentPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, StorageRef):
            return ("storage", "FloatStorage", "0", "cpu", 4)
        return None


def torch_like_pickle(obj):
    buf = io.BytesIO()
    _PersistentPickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


class SafeReaderTest(ExprunTestCase):
    """load_provenance() reads torch.save files (zip and legacy formats) without torch and without
    resolving any class or function the pickle names."""

    def setUp(self):
        super().setUp()
        self.marker = os.path.join(self.tmp, "pwned")
        self.payload = collections.OrderedDict([
            ("model", collections.OrderedDict([("w", StorageRef()), ("evil", Evil(self.marker))])),
            ("epoch", 3), ("val_acc", 0.93), ("exprun", dict(EXPECTED_PROVENANCE))])

    def write_zip_format(self, name):
        import zipfile
        path = os.path.join(self.out, name)
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("best/data.pkl", torch_like_pickle(self.payload))
            zf.writestr("best/version", "3\n")
            zf.writestr("best/data/0", b"\0" * 16)
        return path

    def write_legacy_format(self, name):
        path = os.path.join(self.out, name)
        with open(path, "wb") as f:
            pickle.dump(exprun._TORCH_LEGACY_MAGIC, f, protocol=2)
            pickle.dump(1001, f, protocol=2)
            pickle.dump({"protocol_version": 1001, "little_endian": True}, f, protocol=2)
            f.write(torch_like_pickle(self.payload))
            pickle.dump(["0"], f, protocol=2)
            f.write(b"\0" * 16)
        return path

    def test_zip_format(self):
        path = self.write_zip_format("best.pt")
        with mock.patch.dict(sys.modules, NO_TORCH):
            self.assertEqual(EXPECTED_PROVENANCE, exprun.load_provenance(path))
        self.assertFalse(os.path.exists(self.marker))

    def test_legacy_format(self):
        path = self.write_legacy_format("best.pt")
        with mock.patch.dict(sys.modules, NO_TORCH):
            self.assertEqual(EXPECTED_PROVENANCE, exprun.load_provenance(path))
        self.assertFalse(os.path.exists(self.marker))

    def test_no_provenance_in_the_file(self):
        del self.payload["exprun"]
        self.assertIsNone(exprun.load_provenance(self.write_zip_format("a.pt")))
        self.assertIsNone(exprun.load_provenance(self.write_legacy_format("b.pt")))

    def test_a_damaged_pickle_is_an_error(self):
        import zipfile
        path = os.path.join(self.out, "bad.pt")
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("archive/data.pkl", torch_like_pickle(self.payload)[:50])
        with self.assertRaisesRegex(ValueError, "cannot be read"):
            exprun.load_provenance(path)

    def test_unpickling_evil_for_real_would_run_it(self):
        # The control: the payload does run a command when unpickled the ordinary way.
        if os.name != "posix":
            self.skipTest("POSIX shell")
        pickle.loads(pickle.dumps(Evil(self.marker)))
        self.assertTrue(os.path.exists(self.marker))


def write_safetensors(path, metadata=None):
    """A tiny .safetensors file by hand: 8-byte little-endian header length, JSON header, data."""
    header = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    if metadata is not None:
        header["__metadata__"] = metadata
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        f.write(struct.pack("<2f", 1.0, 2.0))


class SafetensorsTest(ExprunTestCase):
    def test_provenance_from_the_header(self):
        path = os.path.join(self.out, "model.safetensors")
        write_safetensors(path, {"format": "pt", "exprun": json.dumps(EXPECTED_PROVENANCE)})
        with mock.patch.dict(sys.modules, {"torch": None, "safetensors": None}):
            self.assertEqual(EXPECTED_PROVENANCE, exprun.load_provenance(path))

    def test_header_without_provenance(self):
        path = os.path.join(self.out, "model.safetensors")
        write_safetensors(path, {"format": "pt"})
        self.assertIsNone(exprun.load_provenance(path))
        write_safetensors(path)
        self.assertIsNone(exprun.load_provenance(path))
        with open(path + ".provenance.json", "w") as f:  # a matching sidecar is used instead
            json.dump({"run_id": "r9", "sha256": sha256_of(path), "size": os.path.getsize(path)}, f)
        self.assertEqual("r9", exprun.load_provenance(path)["run_id"])

    def test_not_a_safetensors_file(self):
        path = os.path.join(self.out, "bad.safetensors")
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", 1 << 40) + b"{}")
        with self.assertRaisesRegex(ValueError, "not a safetensors file"):
            exprun.load_provenance(path)
        with open(path, "wb") as f:
            f.write(b"abc")
        with self.assertRaisesRegex(ValueError, "not a safetensors file"):
            exprun.load_provenance(path)

    def test_saving_safetensors_without_the_package_says_what_is_missing(self):
        with mock.patch.dict(sys.modules, {"safetensors": None, "safetensors.torch": None}):
            with self.assertRaisesRegex(ImportError, "needs the 'safetensors' package"):
                exprun.save({"w": FakeTensor(1.0)}, "model.safetensors")
        with self.assertRaisesRegex(TypeError, "dict of tensors"):
            exprun.save([1], "model.safetensors")
        self.assertEqual([], os.listdir(self.out))


class SeedTest(ExprunTestCase):
    def test_seeds_random_and_numpy_and_records_the_seed(self):
        import random
        with mock.patch.dict(sys.modules, NO_TORCH):
            self.assertEqual(42, exprun.seed_everything(42))
            a = [random.random() for _ in range(3)]
            na = numpy_draw()
            exprun.seed_everything(42)
            self.assertEqual(a, [random.random() for _ in range(3)])
            self.assertEqual(na, numpy_draw())
        self.assertEqual(":4096:8", os.environ["CUBLAS_WORKSPACE_CONFIG"])
        self.assertEqual("42", os.environ["PYTHONHASHSEED"])
        exprun._flush_log()
        lines = self.read_series()
        self.assertEqual([42, 42], [line["seed"] for line in lines])
        self.assertNotIn("step", lines[0])


TORCH_ALERT = ("%s does not have a deterministic implementation, but you set 'torch.use_deterministic_algorithms(True, "
               "warn_only=True)'. You can file an issue at https://github.com/pytorch/pytorch/issues to help us "
               "prioritize adding deterministic support for this operation. (Triggered internally at "
               "../aten/src/ATen/Context.cpp:82.)")

# A child without torch (also in the PyTorch image) that raises torch's alert as torch does: its C++
# TORCH_WARN reaches Python as a UserWarning issued from the calling frame. The real alert is in
# test_exprun_torch.py.
CHILD_PRELUDE = """
import sys
sys.modules["torch"] = None
import json, os, warnings
import exprun
MSG = %r
def alert(op):
    warnings.warn(MSG %% op, UserWarning)
def runtime():
    path = os.path.join(os.environ["EXP_OUTPUT_DIR"], ".exprun", "runtime.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)
""" % TORCH_ALERT


class RuntimeJsonTest(ExprunTestCase):
    def runtime_path(self):
        return os.path.join(self.out, ".exprun", "runtime.json")

    def runtime(self):
        with open(self.runtime_path()) as f:
            return json.load(f)

    def child(self, code, **kwargs):
        return self.run_script(CHILD_PRELUDE + textwrap.dedent(code), **kwargs)

    def test_seed_everything_writes_it(self):
        with mock.patch.dict(sys.modules, NO_TORCH):
            exprun.seed_everything(42)
            self.assertEqual({"schema": "exprun.runtime/v1", "seed": 42, "deterministic": None,
                              "nondeterministic_ops": []}, self.runtime())
            with open(self.runtime_path()) as f:
                self.assertEqual(["schema", "seed", "deterministic", "nondeterministic_ops"], list(json.load(f)))
            exprun.seed_everything(7)
        self.assertEqual(7, self.runtime()["seed"])
        self.assertEqual([], self.temp_leftovers())

    def test_nothing_is_written_without_seed_everything_or_an_op(self):
        r = self.child("""
            exprun.log(step=1, loss=0.5)
            exprun.summary(loss=0.5)
            warnings.warn("something else", UserWarning)
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertTrue(os.path.exists(self.series_path()))
        self.assertFalse(os.path.exists(os.path.join(self.out, ".exprun")))

    def test_ops_hidden_by_the_scripts_filters_are_captured_in_order_and_not_printed(self):
        r = self.child("""
            warnings.simplefilter("ignore")
            exprun.seed_everything(3)
            for i in range(100):
                alert("upsample_bilinear2d_backward_out_cuda")
                print("AFTER-FIRST", json.dumps(runtime()), flush=True) if i == 0 else None
                alert("adaptive_avg_pool2d_backward_cuda")
            warnings.warn("an unrelated warning", UserWarning)
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertNotIn("deterministic", r.stderr)
        self.assertNotIn("unrelated", r.stderr)
        # Written when the op was first seen, not only at exit.
        first = json.loads(r.stdout.split("AFTER-FIRST ", 1)[1].splitlines()[0])
        self.assertEqual(["upsample_bilinear2d_backward_out_cuda"], first["nondeterministic_ops"])
        self.assertEqual({"schema": "exprun.runtime/v1", "seed": 3, "deterministic": None,
                          "nondeterministic_ops": ["upsample_bilinear2d_backward_out_cuda",
                                                   "adaptive_avg_pool2d_backward_cuda"]},
                         self.runtime())
        self.assertEqual([], self.temp_leftovers())

    def test_with_the_default_filters_each_is_printed_once_as_before(self):
        code = """
            for i in range(50):
                alert("put_")
                alert("index_add_cuda_")
        """
        r = self.child("exprun.seed_everything(3)\n" + textwrap.dedent(code))
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual(1, r.stderr.count("put_ does not have a deterministic"), r.stderr)
        self.assertEqual(1, r.stderr.count("index_add_cuda_ does not have a deterministic"), r.stderr)
        self.assertEqual(["put_", "index_add_cuda_"], self.runtime()["nondeterministic_ops"])
        without = self.child(textwrap.dedent(code))  # the control: the same script without exprun's filter
        self.assertEqual(r.stderr, without.stderr)

    def test_the_scripts_filters_still_decide_what_is_printed(self):
        r = self.child("""
            warnings.filterwarnings("ignore", message="quiet_op")
            warnings.filterwarnings("error", message="raising_op")
            warnings.filterwarnings("always", message="loud_op")
            warnings.filterwarnings("ignore", message="mod_op", module="__main__")
            warnings.filterwarnings("ignore", message="other_mod_op", module="somewhere.else")
            exprun.seed_everything(1)
            for i in range(3):
                alert("quiet_op")
                alert("loud_op")
                alert("mod_op")
                alert("other_mod_op")
                try:
                    alert("raising_op")
                except UserWarning as e:
                    print("RAISED", str(e)[:10])
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual(0, r.stderr.count(" quiet_op does not"), r.stderr)
        self.assertEqual(3, r.stderr.count(" loud_op does not"), r.stderr)
        self.assertEqual(0, r.stderr.count(" mod_op does not"), r.stderr)  # module "__main__": ignored
        self.assertEqual(1, r.stderr.count(" other_mod_op does not"), r.stderr)  # no filter matches: once
        self.assertEqual(3, r.stdout.count("RAISED raising_o"), r.stdout)
        self.assertEqual(["quiet_op", "loud_op", "mod_op", "other_mod_op", "raising_op"],
                         self.runtime()["nondeterministic_ops"])

    def test_a_change_of_the_filters_behind_exprun_is_followed(self):
        r = self.child("""
            exprun.seed_everything(1)
            alert("late_op")
            alert("late_op")                                  # default: printed once
            with warnings.catch_warnings():
                warnings.simplefilter("always", append=True)  # behind exprun's filter
                alert("late_op")
                alert("late_op")                              # always: printed twice
            alert("late_op")                                  # default again, already printed
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual(3, r.stderr.count(" late_op does not"), r.stderr)

    def test_the_scripts_showwarning_and_catch_warnings_keep_working(self):
        r = self.child("""
            seen = []
            def mine(message, category, filename, lineno, file=None, line=None):
                seen.append(str(message).split()[0])
            warnings.showwarning = mine
            exprun.seed_everything(1)
            alert("first_op")
            alert("first_op")
            with warnings.catch_warnings(record=True) as rec:
                warnings.simplefilter("always")
                alert("second_op")
                alert("second_op")
            import logging
            logging.basicConfig(format="LOGGED %(message)s")
            logging.captureWarnings(True)
            alert("third_op")
            print("SEEN", seen, "RECORDED", [str(w.message).split()[0] for w in rec])
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertIn("SEEN ['first_op'] RECORDED ['second_op', 'second_op']", r.stdout)
        self.assertIn("third_op does not", r.stderr)  # through logging
        self.assertEqual(["first_op", "second_op", "third_op"], self.runtime()["nondeterministic_ops"])

    def test_a_shown_alert_is_captured_without_seed_everything(self):
        r = self.child("""
            alert("put_")
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual({"schema": "exprun.runtime/v1", "seed": None, "deterministic": None,
                          "nondeterministic_ops": ["put_"]}, self.runtime())

    def test_an_unwritable_output_dir_is_said_once_and_the_run_goes_on(self):
        with open(os.path.join(self.out, ".exprun"), "w") as f:
            f.write("a file where the directory should be")
        r = self.child("""
            exprun.seed_everything(1)
            alert("a_op")
            alert("b_op")
            print("DONE")
        """)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertIn("DONE", r.stdout)
        self.assertEqual(1, r.stderr.count("exprun: cannot write .exprun/runtime.json"), r.stderr)


def numpy_draw():
    if not HAVE_NUMPY:
        return None
    import numpy as np
    return np.random.rand(3).tolist()


class CheckEnvTest(ExprunTestCase):
    def test_without_torch(self):
        out = io.StringIO()
        with mock.patch.dict(sys.modules, NO_TORCH), contextlib.redirect_stdout(out):
            info = exprun.check_env()
        self.assertIsNone(info["torch"])
        self.assertIs(False, info["cuda_available"])
        self.assertEqual("cpu", info["devices"][0]["device"])
        json.dumps(info)
        printed = out.getvalue().splitlines()
        self.assertTrue(printed)
        self.assertTrue(all(line.startswith("exprun check_env:") for line in printed), printed)
        self.assertIn("torch is not installed in this image", out.getvalue())

    def test_command_line_check_env(self):
        r = self.run_script("""
            import runpy, sys
            sys.argv = [%r, "check-env"]
            runpy.run_path(%r, run_name="__main__")
        """ % (EXPRUN_PY, EXPRUN_PY))
        self.assertEqual(0, r.returncode, r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(lines[-1].startswith("EXPRUN_CHECK_ENV_JSON: "), lines)
        info = json.loads(lines[-1][len("EXPRUN_CHECK_ENV_JSON: "):])
        self.assertEqual(sys.version.split()[0], info["python"])
        self.assertIn("torch", info)
        self.assertEqual("cpu", info["devices"][0]["device"])
        self.assertTrue(all(line.startswith("exprun check_env:") for line in lines[:-1]), lines)

    def test_command_line_as_the_plugin_runs_it(self):
        import subprocess
        r = subprocess.run([sys.executable, EXPRUN_PY, "check-env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, cwd=self.tmp, env=self.subprocess_env(), timeout=300)
        self.assertEqual(0, r.returncode, r.stderr)
        json_lines = [line for line in r.stdout.splitlines() if line.startswith("EXPRUN_CHECK_ENV_JSON: ")]
        self.assertEqual(1, len(json_lines), r.stdout)
        json.loads(json_lines[0].split(": ", 1)[1])

    def test_command_line_provenance_and_usage(self):
        import subprocess
        env = self.subprocess_env(self.plugin_env())
        r = subprocess.run([sys.executable, EXPRUN_PY, "provenance"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, cwd=self.tmp, env=env, timeout=60)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual(EXPECTED_PROVENANCE, json.loads(r.stdout))
        r = subprocess.run([sys.executable, EXPRUN_PY, "frobnicate"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, cwd=self.tmp, env=env, timeout=60)
        self.assertEqual(2, r.returncode)
        self.assertIn("usage", r.stderr)


if __name__ == "__main__":
    unittest.main()
