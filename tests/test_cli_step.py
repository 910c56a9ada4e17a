"""``flask --app app step``: the CLI takes SOP steps through the same workflow."""
from helpers import office_day, submit_loan

from app.models import DamageReport, LoanStatus
from app.platform.extensions import db


def run(app, *args):
    return app.test_cli_runner().invoke(args=["step", *args])


def test_steps_from_the_command_line_are_recorded_like_the_web(app):
    loan = submit_loan("peminjam1")
    number = loan.registration_number

    result = run(app, "dispose", number, "--as", "kabid", "--instruction", "follow_up",
                 "--nature", "segera", "--note", "Lewat CLI.")
    assert result.exit_code == 0, result.output
    assert "Didisposisikan" in result.output
    db.session.refresh(loan)
    row = loan.history[-1]
    assert (loan.status, row.actor.username, row.actor_role, row.nature, row.note) == (
        LoanStatus.DISPOSED, "kabid", "Kabid TKPBET", "segera", "Lewat CLI.")

    day = office_day(40).isoformat()
    result = run(app, "propose_reschedule", number, "--as", "kasi",
                 "--session", f"{day}T13:00/{day}T15:00")
    assert result.exit_code == 0, result.output
    db.session.refresh(loan)
    assert loan.status == LoanStatus.RESCHEDULE_PROPOSED


def test_a_refused_step_says_why_in_indonesian_and_changes_nothing(app):
    loan = submit_loan("peminjam1")

    result = run(app, "confirm", loan.registration_number, "--as", "kasi")
    assert result.exit_code != 0
    assert "Langkah ini tidak dapat dilakukan" in result.output
    result = run(app, "dispose", loan.registration_number, "--as", "peminjam1",
                 "--instruction", "follow_up", "--nature", "biasa")
    assert result.exit_code != 0
    assert "Peran Anda tidak berwenang melakukan langkah ini." in result.output
    result = run(app, "dispose", loan.registration_number, "--as", "kabid")
    assert "Pilih isi disposisi." in result.output
    db.session.refresh(loan)
    assert loan.status == LoanStatus.SUBMITTED and len(loan.history) == 1
    assert db.session.query(DamageReport).count() == 0


def test_confirming_needs_the_kasis_no_buffet_check_as_on_the_web(app):
    """Found by an outside review: the command confirmed without the Kasi's
    tick, which the web form and the API require."""
    loan = submit_loan("peminjam1")
    number = loan.registration_number
    assert run(app, "dispose", number, "--as", "kabid",
               "--instruction", "follow_up", "--nature", "biasa").exit_code == 0

    result = run(app, "confirm", number, "--as", "kasi")
    assert result.exit_code != 0
    assert ("--no-buffet-checked: Pastikan tidak ada makanan prasmanan yang "
            "disajikan") in result.output
    db.session.refresh(loan)
    assert loan.status == LoanStatus.DISPOSED and len(loan.history) == 2

    result = run(app, "confirm", number, "--as", "kasi", "--no-buffet-checked")
    assert result.exit_code == 0, result.output
    db.session.refresh(loan)
    assert loan.status == LoanStatus.CONFIRMED
