"""The generated documentation: docs/cases.md from the case library and
docs/model.md from the policy, so that neither can drift from what vires
actually checks. `vires docs` runs the cases and writes, or checks, the
texts ``render_docs`` returns.
"""
from __future__ import annotations

from .casebook import render_casebook
from .model_doc import render_model


def render_docs(policy, outcomes, shared: dict) -> dict[str, str]:
    """File name -> text of each generated document, from the outcomes of
    the case library and ``shared``, the title and summary of each shared
    set (``checker.rules.policy.shared_sets``). A power **decides** a case
    when it or one of its parts is in the case's decided_by (or in that of
    one of its answers, when undetermined)."""
    firing: dict[str, list[str]] = {}
    deciding: dict[str, list[str]] = {}
    for o in sorted(outcomes, key=lambda o: o.case.id):
        for rule in o.result.finding_ids():
            firing.setdefault(rule, []).append(o.case.id)
        ids = list(o.result.decided_by) + [x for b in (o.result.undetermined.branches if o.result.undetermined
                                                       else ()) for x in b.decided_by]
        for power in dict.fromkeys(i.split("/")[0] for i in ids if not i.startswith("no-power:")):
            deciding.setdefault(power, []).append(o.case.id)
    return {
        "cases.md": render_casebook([(o.case, o.result) for o in outcomes], policy.sources),
        "model.md": render_model(policy, shared, firing, deciding),
    }
