"""The benchmarks work: their core on a tiny dataset.

The real runs (100,000 sessions, 10,000 loans) are `python bench/conflict_check.py`
and `python bench/register.py`, outside the suite; nothing here is timed against
a goal.
"""
import importlib.util
import json
import os

from app import PROJECT_DIR


def load_bench(name="conflict_check"):
    path = os.path.join(PROJECT_DIR, "bench", f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
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


def test_register_bench_on_a_tiny_dataset(tmp_path):
    bench = load_bench("register")
    result = bench.run(loans=40, repetitions=1, echo=lambda *_: None)

    assert result["data"]["loans"] == result["rows"] == 40
    assert result["data"]["sessions"] >= 40
    for name in ("register", "floor", "paged_floor"):
        assert result[name]["cpu_median_s"] > 0 and result[name]["peak_mib"] > 0
        assert result[name]["pages"] >= 2
    assert result["ratio"] > 0 and result["ratio_to_paged_floor"] > 0

    results, doc = tmp_path / "register.json", tmp_path / "performance.md"
    bench.save(result, results_path=str(results), doc_path=str(doc))
    bench.save(result, results_path=str(results), doc_path=str(doc))
    assert json.loads(results.read_text(encoding="utf-8"))["rows"] == 40
    text = doc.read_text(encoding="utf-8")
    assert text.count(bench.DOC_START) == 1 and text.count(bench.DOC_END) == 1
    assert "| 40 (" in text and bench.COMMAND in text
