"""Generated documentation: docs/cases.md from the case files and
docs/model.md from the policy, so that neither can drift from what vires
actually checks. ``generate`` returns the texts; ``write_docs`` writes them
and ``stale_docs`` names those on disk that differ (`vires docs --check`).
"""
from __future__ import annotations

from pathlib import Path

from .diagnostics import InputError
from .evaluate.cases import run_cases
from .load.yamlfile import load_yaml
from .reporters.casebook import render_casebook
from .reporters.model_doc import render_model

DOCS = ("cases.md", "model.md")


def _commons(policy) -> dict:
    """Title and summary of each shared rule set, keyed by file stem."""
    out = {}
    for path in sorted((Path(policy.directory) / "common").glob("*.yaml")):
        doc, _ = load_yaml(path)
        data = doc.data if doc and isinstance(doc.data, dict) else {}
        out[path.stem] = {"title": data.get("title", path.stem), "summary": data.get("summary", "")}
    return out


def generate(checker, case_paths) -> dict:
    """File name -> text of each generated document; raises InputError."""
    outcomes, problems = run_cases(checker, case_paths)
    if problems:
        raise InputError(problems)
    firing: dict = {}
    for o in sorted(outcomes, key=lambda o: o.case.id):
        for rule in o.result.finding_ids():
            firing.setdefault(rule, []).append(o.case.id)
    return {
        "cases.md": render_casebook([(o.case, o.result) for o in outcomes]),
        "model.md": render_model(checker.policy, _commons(checker.policy), firing),
    }


def stale_docs(out_dir, texts: dict) -> list[str]:
    """The generated files that are missing from ``out_dir`` or differ."""
    out = []
    for name, text in texts.items():
        path = Path(out_dir) / name
        if not path.is_file() or path.read_text("utf-8") != text:
            out.append(str(path))
    return out


def write_docs(out_dir, texts: dict) -> list[str]:
    """Write the files that changed; returns their paths."""
    changed = stale_docs(out_dir, texts)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        path = Path(out_dir) / name
        if str(path) in changed:
            path.write_text(text, "utf-8")
    return changed
