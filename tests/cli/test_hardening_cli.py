"""Issue 10, defects 6, 7, 9, 10, 11, 12 at the command line: every failure an exit-2 message
(or a documented exit 1), never a traceback, never a hang."""

from __future__ import annotations

import errno
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SMALL = HERE.parent / "experiments" / "data" / "small_crisis.yaml"
FLAGSHIP = HERE.parent.parent / "scenarios" / "seoul_arms_ukraine.yaml"
QUICK = ("--runs", 10, "--chunk-size", 5, "--workers", 1, "--record", "outcomes", "--quiet")
SCHED = ("--runs", 10, "--chunk-size", 5, "--record", "outcomes", "--quiet")


def cli(*args: object, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """``wargame ARGS`` in a subprocess of this tree's code, bounded in time."""
    env = {**os.environ, "PYTHONPATH": str(HERE.parent.parent), "MPLBACKEND": "Agg"}
    code = "from sim.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- 6. cluster addresses ---------------------------------------------------------------------


@pytest.fixture
def http_server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"tcp://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_a_scheduler_address_that_is_an_http_server_is_refused_within_the_deadline(
    wargame, http_server
):
    pytest.importorskip("distributed")
    t0 = time.monotonic()
    code, _, err = wargame("run", SMALL, *SCHED, "--out", "o", "--scheduler", http_server)
    assert code == 2, err
    assert "no Dask scheduler answered within" in err
    assert time.monotonic() - t0 < 30
    assert not Path("o").exists()


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("ucx://127.0.0.1:1", "ucx:// protocol is not supported"),
        ("tcp://", "expected an address such as"),
        ("tcp://127.0.0.1:99999", "a port from 1 to 65535"),
        ("not an address", "expected an address such as"),
    ],
)
def test_malformed_scheduler_addresses_exit_2_at_once_and_quietly(tmp_path, address, says):
    t0 = time.monotonic()
    done = cli("run", SMALL, *SCHED, "--out", "o", "--scheduler", address, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert time.monotonic() - t0 < 15


# --- 7. the Markdown report -------------------------------------------------------------------


def test_the_markdown_report_shows_hostile_scenario_text_as_text(wargame, tmp_path):
    title = "<script>alert(1)</script> [x](javascript:alert(2))"
    code, _, err = wargame("run", SMALL, *QUICK, "--out", "r", "--set", f"title={title!r}")
    assert code == 0, err
    code, _, err = wargame("report", "r", "-o", "r.md")
    assert code == 0, err
    text = re.sub(r"(?ms)^```.*?^```", "", _text(tmp_path / "r.md"))  # code is inert
    assert "<script>" not in text and "](javascript:" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_markdown_escaping_neutralises_block_syntax_and_fences():
    from sim.analysis.report import Block, to_markdown

    text = to_markdown(
        [
            Block("p", "# not a heading\n<img src=x onerror=alert(1)>"),
            Block("list", data=["[ref]: javascript:alert(1)"]),
            Block("pre", "``` closing?\n<b>"),
        ]
    )
    assert "\\# not a heading" in text and "<img" not in text
    assert "- \\[ref\\]: javascript" in text or "- \\[ref]: javascript" in text
    assert "````\n``` closing?\n<b>\n````" in text


# --- 9. input size ----------------------------------------------------------------------------


def test_validate_dev_zero_is_refused_at_once(wargame):
    t0 = time.monotonic()
    code, _, err = wargame("validate", "/dev/zero")
    assert code == 2 and "larger than 512 kB" in err
    assert time.monotonic() - t0 < 10


def test_a_scenario_of_100000_events_is_refused_at_once_for_its_size(wargame, tmp_path):
    events = "".join(f"  - {{at: {i % 10}, set: {{}}}}\n" for i in range(100_000))
    (tmp_path / "big.yaml").write_text(_text(SMALL) + "\nevents:\n" + events)
    t0 = time.monotonic()
    code, _, err = wargame("validate", "big.yaml")
    assert code == 2 and "larger than 512 kB" in err and "alias" not in err
    assert time.monotonic() - t0 < 10


def test_too_many_values_are_refused_while_parsing_where_the_limit_was_passed(wargame, tmp_path):
    (tmp_path / "many.yaml").write_text(_text(SMALL) + "\nx: [" + ",".join(["1"] * 60_000) + "]\n")
    code, _, err = wargame("validate", "many.yaml")
    assert code == 2 and "more than 50,000 values" in err and "alias" not in err
    line = len(_text(SMALL).splitlines()) + 2
    assert re.search(rf"many\.yaml:{line}:\d+:", err), err


# --- 11. YAML described rightly ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ("~: {junk: 1}", "a key must be a name, found nothing (null)"),
        ("true: 1", "a key must be a name, found true"),
    ],
)
def test_null_and_boolean_keys_are_refused_not_dropped(wargame, tmp_path, extra, says):
    (tmp_path / "s.yaml").write_text(_text(SMALL) + "\n" + extra + "\n")
    code, _, err = wargame("validate", "s.yaml")
    assert code == 2 and says in err and "the integer 1" not in err


@pytest.mark.parametrize(
    ("doc", "says"), [("42", "found the integer 42"), ("~", "found nothing (null)")]
)
def test_scalar_documents_are_described_by_their_value(wargame, tmp_path, doc, says):
    (tmp_path / "s.yaml").write_text(doc + "\n")
    code, _, err = wargame("validate", "s.yaml")
    assert code == 2 and says in err and "a string" not in err


def test_deep_nesting_is_located_where_it_goes_too_deep(wargame, tmp_path):
    (tmp_path / "s.yaml").write_text("wargame: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n")
    code, _, err = wargame("validate", "s.yaml")
    assert code == 2 and "nested more than 64 levels deep" in err
    assert "s.yaml:2:" in err and "s.yaml:1:1:" not in err


def test_actor_ids_differing_only_in_case_are_refused(wargame, tmp_path):
    text = _text(FLAGSHIP)
    block = re.search(r"(?ms)^  ROK:\n.*?(?=^  \S)", text).group(0)
    (tmp_path / "s.yaml").write_text(text.replace(block, block + block.replace("ROK:", "rok:", 1)))
    code, _, err = wargame("validate", "s.yaml")
    assert code == 2
    assert "actors.rok: 'rok' differs from 'ROK' only in case" in err


# --- 10. tracebacks where an exit-2 message is promised ---------------------------------------


def test_out_under_a_file_is_an_exit_2_message(wargame, tmp_path):
    (tmp_path / "afile").write_text("x")
    code, _, err = wargame("run", SMALL, *QUICK, "--out", "afile/sub")
    assert code == 2 and "cannot" in err and "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_out_in_a_read_only_folder_is_an_exit_2_message(wargame, tmp_path):
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o500)
    try:
        code, _, err = wargame("run", SMALL, *QUICK, "--out", "ro/out")
    finally:
        (tmp_path / "ro").chmod(0o700)
    assert code == 2 and "cannot" in err


def test_a_300_character_id_gets_a_short_default_folder(wargame, tmp_path):
    text = re.sub(r"(?m)^id:.*$", "id: " + "x" * 300, _text(SMALL))
    (tmp_path / "long.yaml").write_text(text)
    code, _out, err = wargame("run", "long.yaml", *QUICK)
    assert code == 0, err
    (folder,) = (tmp_path / "runs").iterdir()
    assert len(folder.name) < 120 and (folder / "manifest.json").is_file()


def test_a_full_disk_at_the_start_is_an_exit_2_message_and_leaves_no_folder(
    wargame, tmp_path, monkeypatch
):
    import sim.experiments.store as store

    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store, "atomic_write_text", full)
    code, _, err = wargame("run", SMALL, *QUICK, "--out", "deep/out")
    assert code == 2 and "No space left on device" in err
    assert not (tmp_path / "deep").exists()


@pytest.fixture
def finished(wargame, tmp_path) -> Path:
    code, _, err = wargame("run", SMALL, *QUICK, "--out", "r")
    assert code == 0, err
    return tmp_path / "r"


@pytest.mark.parametrize("command", ["plot", "report"])
def test_a_truncated_table_is_an_exit_2_message(wargame, finished, command):
    part = next((finished / "outcomes.parquet").iterdir())
    part.write_bytes(part.read_bytes()[:100])
    code, _, err = wargame(command, finished)
    assert code == 2 and "is damaged" in err and "Traceback" not in err


def test_a_swapped_scenario_yaml_is_an_exit_2_message(wargame, finished):
    scenario = finished / "scenario.yaml"
    scenario.write_text(_text(FLAGSHIP))
    code, _, err = wargame("report", finished)
    assert code == 2 and "changed since the run" in err


# --- 12. workers and the horizon of run -------------------------------------------------------


def test_workers_999_starts_no_more_processes_than_cores(wargame, tmp_path):
    from sim.experiments.executors import default_workers

    code, _, err = wargame(
        "run",
        SMALL,
        "--runs",
        20,
        "--chunk-size",
        1,
        "--workers",
        999,
        "--record",
        "outcomes",
        "--quiet",
        "--out",
        "w",
    )
    assert code == 0, err
    manifest = json.loads(_text(tmp_path / "w" / "manifest.json"))
    assert manifest["executor"]["workers"] <= default_workers()


def test_run_with_a_short_horizon_is_not_refused_for_counterfactual_measures(wargame):
    # the flagship's history (observations to 2025-12) must fit the horizon (issue #13): an
    # observation after it stays an error; the counterfactual measures no longer are for `run`
    no_history = ("--set", "history=[]")
    code, _, err = wargame("run", FLAGSHIP, "--horizon", 12, *no_history, *QUICK, "--out", "h")
    assert code == 0, err
    code, _, err = wargame(
        "compare",
        FLAGSHIP,
        "-c",
        "dprk_troops_vs_none",
        "--horizon",
        12,
        *no_history,
        *QUICK,
        "--out",
        "c",
    )
    assert code == 2 and "is after the horizon (12 steps)" in err
    code, _, err = wargame("run", FLAGSHIP, "--horizon", 12, *QUICK, "--out", "h2")
    assert code == 2 and "history." in err and "is after the horizon" in err
