"""PDFs against a bare reportlab table: the register (bench/register.py measures
it) and the annual report of the busiest year."""
import gc
import io
import time

import sqlalchemy as sa


def register_period(year, loans):
    """From 1 January of ``year``, the period whose first sessions number
    ``loans`` (or the whole year and after, if it has fewer)."""
    from datetime import date

    from app.domain.scheduling.availability import midnight
    from app.models import LoanSession
    from app.platform.extensions import db
    from app.platform.timeutil import to_local

    first = (sa.select(sa.func.min(LoanSession.starts_at).label("start"))
             .where(LoanSession.proposed.is_(False)).group_by(LoanSession.loan_id)
             .subquery())
    starts = db.session.execute(
        sa.select(first.c.start).where(first.c.start >= midnight(date(year, 1, 1)))
        .order_by(first.c.start).limit(loans)).scalars().all()
    return date(year, 1, 1), to_local(starts[-1]).date()


def appendix_cells(data):
    """The annual report's appendix rows as plain texts wrapped to their columns."""
    from reportlab.lib.units import mm

    from app.documents.long_table import FONT, PagedTable, wrap_text
    from app.models import LoanStatus
    from app.platform.formatting import format_session

    widths = [w * mm for w in (9, 25, 35, 34, 34, 14, 23)]
    padding = 2 * PagedTable.padding

    def wrapped(texts):
        return ["\n".join(wrap_text(str(text), FONT, PagedTable.font_size, width - padding))
                for text, width in zip(texts, widths)]

    header = wrapped(("No.", "Nomor registrasi", "Jadwal", "Instansi", "Kegiatan",
                      "Peserta", "Status"))
    rows = [wrapped((n, line.number, format_session(line.first_start, line.first_end),
                     line.institution, line.title, line.participants,
                     LoanStatus.label(line.status)))
            for n, line in enumerate(data.loans, start=1)]
    return header, rows, widths


def bare_table(header, rows, widths):
    """One bare reportlab Table in a plain A4 SimpleDocTemplate."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table

    buffer = io.BytesIO()
    table = Table([header, *rows], colWidths=widths, repeatRows=1)
    table.setStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8, 10),
                    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8, 10),
                    ("GRID", (0, 0), (-1, -1), 0.4, "black"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP")])
    SimpleDocTemplate(buffer, pagesize=A4).build([table])
    return buffer.getvalue()


def annual(app, year, repetitions=3, echo=print):
    """(a) the annual report of ``year`` as its download makes it (figures
    queried, charts, narratives, appendix) against (b) a bare reportlab table
    of the appendix rows, prepared before the clock starts."""
    from common import peak_memory
    from pages import QueryCounter

    from app.documents import annual as report
    from app.documents.annual_data import annual_data
    from app.documents.long_table import wrap_text
    from app.platform.extensions import db

    def run_report():
        with app.test_request_context("/"):
            try:
                return report.render(annual_data(year))
            finally:
                db.session.remove()

    with app.test_request_context("/"):
        data = annual_data(year)
        header, rows, widths = appendix_cells(data)
    contenders = {"report": run_report, "floor": lambda: bare_table(header, rows, widths)}
    cpu = {name: [] for name in contenders}
    wall = {name: [] for name in contenders}
    queries = {}
    for n in range(repetitions):
        order = list(contenders) if n % 2 == 0 else list(contenders)[::-1]
        for name in order:
            wrap_text.cache_clear()
            gc.collect()
            with QueryCounter(db.engine) as counter:
                started, started_cpu = time.perf_counter(), time.process_time()
                contenders[name]()
                cpu[name].append(time.process_time() - started_cpu)
                wall[name].append(time.perf_counter() - started)
            queries[name] = counter.count
            echo(f"    {name}: {cpu[name][-1]:.1f} s CPU")
    peaks = peak_memory(contenders, before=wrap_text.cache_clear)
    import statistics

    result = {
        name: {"cpu_median_s": round(statistics.median(cpu[name]), 2),
               "cpu_max_s": round(max(cpu[name]), 2),
               "wall_median_s": round(statistics.median(wall[name]), 2),
               "queries": queries[name], "peak_mib": round(peaks[name] / 2**20, 1)}
        for name in contenders
    }
    result["year"] = year
    result["rows"] = len(rows)
    result["repetitions"] = repetitions
    # From the unrounded medians: on a tiny dataset the floor takes under 5 ms,
    # which rounds to 0.00 s.
    result["ratio"] = round(statistics.median(cpu["report"]) / statistics.median(cpu["floor"]), 2)
    return result
