"""The conflict-check benchmark works: its core on a tiny dataset.

The real run (100,000 sessions) is `python bench/conflict_check.py`, outside
the suite; nothing here is timed against a goal.
"""
import importlib.util
import json
import os

from app import PROJECT_DIR


def load_bench():
    path = os.path.join(PROJECT_DIR, "bench", "conflict_check.py")
    spec = importlib.util.spec_from_file_location("conflict_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_core_on_a_tiny_dataset(tmp_path):
    bench = load_bench()
    url = os.environ.get("TEST_DATABASE_URL") or None
    result = bench.run(url, sessions=500, repetitions=40, rooms=3, echo=lambda *_: None)

    assert result["database"] == ("postgresql" if url else "sqlite")
    data = result["data"]
    assert data["sessions"] == 500 and data["rooms"] == 3
    assert 0 < data["occupying_sessions"] < 500
    assert result["cross_checked_candidates"] > 0  # the check found what it should
    for name in ("check", "floor", "driver"):
        assert 0 < result[name]["median_us"] <= result[name]["p95_us"]
    assert result["ratio_median"] > 0
    for plan in result["plans"].values():
        assert plan["plan"] and "loan_session" in plan["sql"]
    if not url:  # PostgreSQL may rightly scan a table of 500 rows
        assert all(plan["index_used"] for plan in result["plans"].values())

    results, doc = tmp_path / "results.json", tmp_path / "performance.md"
    bench.save(result, results_path=str(results), doc_path=str(doc))
    bench.save(result, results_path=str(results), doc_path=str(doc))
    stored = json.loads(results.read_text(encoding="utf-8"))
    assert list(stored) == [result["database"]]
    text = doc.read_text(encoding="utf-8")
    assert text.count(bench.DOC_START) == 1 and text.count(bench.DOC_END) == 1
    assert "| database |" in text and f"| {result['database']} " in text
