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


def test_ten_years_bench_on_a_tiny_dataset(tmp_path):
    """bench/run.py end to end on 200 requests: every page answers and is
    measured against its floor, the lookups and both PDFs are measured, and the
    figures land in the JSON file and in their section of the doc."""
    bench = load_bench("run")
    url = os.environ.get("TEST_DATABASE_URL") or None
    result = bench.run(url, loans=200, borrowers=12, page_repetitions=1,
                       lookup_repetitions=20, pdf_repetitions=1, register_loans=60,
                       echo=lambda *_: None)

    data = result["data"]
    assert result["database"] == ("postgresql" if url else "sqlite")
    assert data["loans"] == 200 and data["borrowers"] == 12 and data["rooms"] >= 4
    assert 200 < data["sessions"] <= 3 * 200 + 200  # 1-3 each, plus proposals
    assert data["history"] > data["loans"]  # a row per step taken
    assert {"completed", "rejected"} <= set(data["statuses"])
    assert set(data["statuses"]) <= {"submitted", "disposed", "reschedule_proposed",
                                     "confirmed", "scheduled", "prepared", "completed",
                                     "no_show", "rejected", "cancelled"}
    names = set(result["pages"])
    assert {"staff list, page 1", "borrower's own list", "agenda, month",
            "API list (JWT)"} <= names
    assert sum(name.startswith("dashboard, ") for name in names) == 5
    assert [name for name, page in result["pages"].items() if not page["goal"]] == [
        "layout only (Tentang SOP)"]  # a reference: its floor reads nothing
    for page in result["pages"].values():
        assert page["app"]["queries"] >= 1
        assert page["floor"]["queries"] >= (1 if page["goal"] else 0)
        for side in ("app", "floor"):
            assert page[side]["median_us"] > 0
            assert page[side]["bytes"] > 0 and page[side]["peak_kib"] > 0
        assert page["ratio_median"] > 0
    assert result["conflict_check"]["check"]["queries"] == 1
    assert result["availability"]["floor"]["queries"] == 1
    register = result["documents"]["register"]
    assert 0 < register["rows"] <= 60 and register["register"]["pages"] >= 1
    annual = result["documents"]["annual"]
    assert annual["year"] == data["busiest_year"] and annual["rows"] > 0

    results, doc = tmp_path / "ten_years.json", tmp_path / "performance.md"
    doc.write_text("# Performance\n\nOther sections stay.\n", encoding="utf-8")
    bench.save(result, results_path=str(results), doc_path=str(doc))
    bench.save(result, results_path=str(results), doc_path=str(doc))
    assert list(json.loads(results.read_text(encoding="utf-8"))) == [result["database"]]
    text = doc.read_text(encoding="utf-8")
    assert "Other sections stay." in text
    assert text.count(bench.DOC_START) == 1 and text.count(bench.DOC_END) == 1
    assert "| staff list, page 1 |" in text and "| conflict check |" in text
