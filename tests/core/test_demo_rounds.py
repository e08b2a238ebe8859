"""The demo's buurtbudget rounds: one to vote in with printed stemcodes, one in execution, one from pabulib."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from buurtbudget.core.demo import rounds as demo_rounds
from buurtbudget.payments.models import PaymentRequest, PaymentStatus
from buurtbudget.rounds.models import Phase, PlanStatus, Round
from buurtbudget.voting import codes
from buurtbudget.voting.models import Ballot
from buurtbudget.voting.services import cast_vote

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"
PRINTED = [codes.format_code(demo_rounds.demo_code(demo_rounds.VOTING.slug, n)) for n in range(1, 6)]


def _run() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_output() -> str:
    _run()
    counts = (Round.objects.count(), Ballot.objects.count())
    output = _run()
    assert (Round.objects.count(), Ballot.objects.count()) == counts  # the second run adds nothing
    return output


def test_the_printed_stemcodes_vote_in_the_open_round(demo_output: str) -> None:
    open_round = Round.objects.get(municipality__slug="amsterdam", slug="geuzenveld-2026")
    assert open_round.phase == Phase.VOTING
    for code in PRINTED:
        line = next(line for line in demo_output.splitlines() if line.startswith(code + " "))
        assert "Buurtbudget Geuzenveld 2026" in line
    plan = open_round.plans.order_by("pk").last()
    assert plan is not None
    result = cast_vote(round=open_round, code=PRINTED[0], choices={"plans": [plan.pk]})
    assert not result.changed and Ballot.objects.filter(round=open_round).count() == 1


def test_a_round_in_execution_and_one_from_a_real_amsterdam_file(demo_output: str, client) -> None:  # type: ignore[no-untyped-def]
    done = Round.objects.get(municipality__slug="amsterdam", slug="nieuw-west-2025")
    assert done.phase == Phase.EXECUTION and done.is_published_result
    assert done.result["ballots"] == 3
    # A visitor sees the result: every plan with its cost, votes, whether it was chosen and why, the
    # turnout and the other counting rules on the same ballots.
    html = client.get(f"/amsterdam/stemmen/{done.slug}/uitslag/").content.decode()
    for plan in done.plans.all():
        assert plan.title in html
    assert "3 van de 3" in html and "mes" in html
    assert done.plans.filter(status=PlanStatus.FUNDED).count() == len(done.result["selected"]) > 0
    # The funded plans are paid through the ordinary payment requests: the first invoice is approved.
    invoice = PaymentRequest.objects.get(idempotency_key=f"demo-round-{done.slug}-invoice")
    assert invoice.status == PaymentStatus.APPROVED and invoice.amount_cents == 400_000
    assert (
        invoice.paying_organisation.is_default
        and invoice.paying_organisation.municipality == done.municipality
    )
    assert done.plans.filter(voucher=invoice.voucher, status=PlanStatus.FUNDED).exists()

    if demo_rounds.PABULIB_DIR.is_dir():
        imported = Round.objects.get(municipality__slug="amsterdam", slug__startswith="pabulib-179-")
        assert imported.name == "Buurtbudget Bloemenbuurt" and imported.area.slug == "bloemenbuurt"
        assert imported.phase == Phase.EXECUTION and Ballot.objects.filter(round=imported).count() == 219


def test_the_readme_lists_the_printed_stemcodes() -> None:
    text = README.read_text(encoding="utf-8")
    listed = [line.split("`")[1] for line in text.splitlines() if line.startswith("| `") and "@" not in line]
    assert [cell for cell in listed if "-" in cell and cell.replace("-", "").isalnum()] == PRINTED


def test_without_the_shared_files_the_demo_skips_the_pabulib_round_with_a_note(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(demo_rounds, "PABULIB_DIR", tmp_path / "absent")
    output = _run()
    assert "geen pabulib-ronde" in output and str(tmp_path / "absent") in output
    assert not Round.objects.filter(slug__startswith="pabulib-").exists()
    assert Round.objects.filter(municipality__slug="amsterdam").count() == 2  # the other rounds are there
