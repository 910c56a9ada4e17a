"""The peers benchmark works: bench/peers/run.py end to end on a tiny seed.

The real run (100,000 requests, every page forty times) is
`python bench/peers/run.py`, outside the suite; nothing here is timed against
the goal. The peers' packages (bench/requirements-peers.txt) are not the app's:
without them this module is skipped.
"""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from app import PROJECT_DIR

MISSING = [name for name in ("django", "flask_admin")
           if importlib.util.find_spec(name) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"the peers' packages are not installed ({', '.join(MISSING)}): "
                          "pip install -r bench/requirements-peers.txt")
RUNNER = os.path.join(PROJECT_DIR, "bench", "peers", "run.py")
PANELS = {"project", "django", "stock_fab", "flask_admin"}


def load_runner():
    spec = importlib.util.spec_from_file_location("peers_run", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_peers_bench_on_a_tiny_dataset(tmp_path):
    """Every panel answers every page with the rows it must show (the runner
    checks and fails otherwise), is measured, and the figures land in the
    JSON file and in their section of the doc."""
    url = os.environ.get("TEST_DATABASE_URL") or "sqlite"
    out = tmp_path / "peers.json"
    finished = subprocess.run(
        [sys.executable, RUNNER, "--database-url", url, "--loans", "300", "--borrowers",
         "12", "--repetitions", "2", "--warmup", "1", "--no-save", "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=PROJECT_DIR)
    assert finished.returncode == 0, finished.stderr[-3000:]
    [result] = json.loads(out.read_text(encoding="utf-8"))

    assert result["database"] == ("sqlite" if url == "sqlite" else "postgresql")
    assert result["data"]["loans"] == 300
    assert set(result["pages"]) == {"list", "deep", "search", "request", "request_waiting"}
    for key, page in result["pages"].items():
        assert set(page["panels"]) == PANELS
        for name, figures in page["panels"].items():
            assert figures["cpu_median_us"] > 0 and figures["wall_median_us"] > 0
            assert figures["statements"] >= 1 and figures["bytes"] > 1000, (key, name)
        assert page["cpu_ratio_to_django"]["django"] == 1
        assert set(result["goals"][key]) == {"cpu_ratio", "ahead_of_stock_fab",
                                             "ahead_of_flask_admin", "statements", "met"}
    # Stock Flask-AppBuilder loads each row's sessions on its own: what the
    # statement counts are there to show.
    assert (result["pages"]["list"]["panels"]["stock_fab"]["statements"]
            > result["pages"]["list"]["panels"]["project"]["statements"] + 20)
    assert "Pontive Center" in finished.stdout and "Django admin" in finished.stdout

    runner = load_runner()
    results, doc = tmp_path / "results.json", tmp_path / "performance.md"
    runner.save(result, results_path=str(results), doc_path=str(doc))
    runner.save(result, results_path=str(results), doc_path=str(doc))
    assert list(json.loads(results.read_text(encoding="utf-8"))) == [result["database"]]
    text = doc.read_text(encoding="utf-8")
    assert text.count(runner.DOC_START) == 1 and text.count(runner.DOC_END) == 1
    assert "| request list, page 1 |" in text and runner.COMMAND in text


def test_runner_refuses_clearly_without_the_peers(tmp_path):
    """Asked to run where a peer's package is missing, the runner says which
    and how to install them, instead of a stack trace."""
    hide = tmp_path / "sitecustomize.py"
    hide.write_text(
        "import importlib.util\n"
        "_find = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda name, *a: None if name == 'django' "
        "else _find(name, *a)\n", encoding="utf-8")
    finished = subprocess.run(
        [sys.executable, RUNNER, "--loans", "10"], capture_output=True, text=True,
        timeout=120, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert finished.returncode == 2
    assert "not installed: django" in finished.stderr
    assert "bench/requirements-peers.txt" in finished.stderr
