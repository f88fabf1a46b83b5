"""The web form is `vires new`'s interview: the same questions, in steps,
building the same scheme from the same answers."""
from __future__ import annotations

from checker.load.interview import FLOW
from checker.load.yamlfile import load_yaml
from checker.rules.policy import load_policy
from checker.web import form
from conftest import REPO, run_vires
from web_support import form_answers


def test_every_question_of_the_interview_is_on_exactly_one_step():
    on_steps = [item for step in form.STEPS for item in step.flow]
    assert on_steps == list(FLOW)
    assert len({s.key for s in form.STEPS}) == len(form.STEPS) > 5


def test_the_leeds_answers_build_the_scheme_vires_new_writes(tmp_path):
    ran = run_vires("new", "-o", str(tmp_path / "leeds.yaml"), input=(REPO / "docs/examples/leeds-2017.answers")
                    .read_text())
    assert ran.returncode in (0, 1), ran.stderr
    written = load_yaml(tmp_path / "leeds.yaml")[0].data  # the project's loader: dates stay text
    built, errors = form.build(form_answers(), load_policy(None))
    assert errors == {}
    assert built == written


def test_a_bad_answer_is_reported_on_its_field_with_a_hint():
    _, errors = form.build(dict(form_answers(), **{"maker.kind": "area_teem"}), load_policy(None))
    assert "did you mean 'area_team'" in errors["maker.kind"][1]
    _, errors = form.build(dict(form_answers(), date="2017-02-30"), load_policy(None))
    assert "is not a date" in errors["date"][0] and errors["date"][1]
    assert list(errors) == ["date"]  # the later answers wait for it: each is checked against the date


def test_dont_know_is_offered_wherever_a_fact_may_be_unknown_and_writes_unknown():
    blocks = form.step_blocks(form.STEPS[4], {}, None, load_policy(None))
    fields = {b.question.key: b.question for b in blocks}
    assert fields["change.practice_opt_in"].dont_know
    assert not any(v == "unknown" for v, _ in fields["change.instrument"].options)  # shown as "Don't know"
    answers = dict(form_answers(), **{"change.practice_opt_in": "?"})
    built, errors = form.build(answers, load_policy(None))
    assert errors == {} and built["change"]["practice_opt_in"] == "unknown"


def test_the_form_keeps_a_list_of_choices_and_a_dont_know_box():
    class Form(dict):
        def getlist(self, key):
            value = self.get(key, [])
            return value if isinstance(value, list) else [value]

    step = form.STEPS[4]
    posted = Form({"multi": ["change.targets"], "change.targets": ["qof", "global_sum"],
                   "change.points": "12", "change.points!dk": "1"})
    answers = form.answers_from_form(posted, step, {})
    assert answers["change.targets"] == "qof, global_sum"
    assert answers["change.points"] == "?"
