"""The JSON report: one object per file, in argument order, byte-stable.

Each object is the Result's own data (``checker.evaluate.result``) with, for
people and for a web page that shows it, the words vires would print beside
the ids: the verdict in words, each approval's body and each power's target
by label, each missing power's paragraph (also the statement of its
``no-power:<target>`` entry in ``why``) and what each nearest power lacks,
and, for an undetermined verdict, a one-line summary and a sentence per
answer. ``docs/json.md`` describes every key.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from ..load.schema import body_label
from .neutral import for_json
from .powers import branch_sentence, lacks_words, missing_power_paragraph, target_phrase, undetermined_summary
from .words import VERDICT_WORDS, target_label


def dumps(data) -> str:
    """Data as indented JSON text, keys in the order given, ending in a newline;
    characters a terminal would obey are escaped (``checker.reporters.neutral``)."""
    return for_json(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)) + "\n"


def approval_dict(approval) -> dict:
    """The JSON form of an approval, with its body's label for people."""
    out = approval.to_dict()
    return {"body": out.pop("body"), "label": body_label(approval.body), **out}


def _after(data: dict, key: str, extra: dict) -> dict:
    """``data`` with the keys of ``extra`` inserted right after ``key``."""
    out: dict = {}
    for k, v in data.items():
        out[k] = v
        if k == key:
            out.update(extra)
    return out


def _missing_power_dict(m) -> dict:
    out = _after(m.to_dict(), "target", {"target_label": target_label(m.target),
                                         "words": missing_power_paragraph(m)})
    for key in ("candidates", "maker_powers", "held_by_others"):
        out[key] = [_after(c.to_dict(), "lacks", {"lacks_words": lacks_words(c, m)}) for c in getattr(m, key)]
    return out


def _no_power_words(finding: dict) -> dict:
    """A ``no-power:<target>`` entry of an answer's why, with a statement: the
    answer has no missing power of its own to compose a paragraph from."""
    if finding["effect"] != "no_power" or finding["statement"]:
        return finding
    target = finding["rule"].split(":", 1)[1]
    return dict(finding, statement=f"No power of the maker covers {target_phrase(target)}.")


def _undetermined_dict(u) -> dict:
    out = _after(u.to_dict(), "possible_verdicts", {"summary": undetermined_summary(u)})
    out["outcomes"] = [_after(dict(b.to_dict(), why=[_no_power_words(f) for f in b.to_dict()["why"]]),
                              "given", {"words": branch_sentence(b)}) for b in u.branches]
    return out


def result_dict(result) -> dict:
    """The JSON form of a result, with words for people beside the ids."""
    out = _after(result.to_dict(), "verdict", {"verdict_words": VERDICT_WORDS[result.verdict]})
    for key in ("approvals_needed", "approvals_given"):
        out[key] = [approval_dict(a) for a in getattr(result, key)]
    out["powers_used"] = [_after(p.to_dict(), "target", {"target_label": target_label(p.target)})
                          for p in result.powers_used]
    out["missing_powers"] = [_missing_power_dict(m) for m in result.missing_powers]
    words = {f"no-power:{m.target}": missing_power_paragraph(m) for m in result.missing_powers}
    out["why"] = [dict(f, statement=words.get(f["rule"], f["statement"])) for f in out["why"]]
    if result.undetermined is not None:
        out["undetermined"] = _undetermined_dict(result.undetermined)
    return out


def render_results(results) -> str:
    """The JSON report: one object per file, in the order given; a file that
    could not be checked has ``error`` ("bad_input", with its diagnostics, or
    "internal_error", with a message) instead of a verdict (docs/diagnostics.md)."""
    return "".join(stream_results(results))


def stream_results(results) -> Iterator[str]:
    """The JSON report of ``render_results`` in pieces, one file's object at a
    time (the text ``dumps`` gives the whole list, byte for byte), so that a
    batch need not hold a result once it is written."""
    first = True
    for r in results:
        item = json.dumps(r.to_dict() if hasattr(r, "error") else result_dict(r), indent=2, ensure_ascii=False)
        # indented as json.dumps indents a list's items; split on "\n" alone (JSON escapes it
        # in strings), not str.splitlines, which also breaks at U+0085 and U+2028 left raw
        yield for_json(("[\n" if first else ",\n") + "\n".join("  " + line for line in item.split("\n")))
        first = False
    yield "[]\n" if first else "\n]\n"
