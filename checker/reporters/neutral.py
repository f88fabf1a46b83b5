"""Text from files, made harmless for the output it is written into.

Every text a scheme, a case or a policy supplies (a title, a body's name, a
reason, a file name, a value quoted in a diagnostic) reaches people through
a terminal, a Markdown viewer or a browser, and each of those obeys some
text as instructions: an escape sequence retitles a terminal window or
writes the clipboard, a line break in a title prints a fake verdict above
the real one, ``<script>`` or ``[x](javascript:...)`` runs in a Markdown
viewer. There is one function per kind of output, and every reporter passes
file-supplied text through the one for its output:

- ``for_terminal``: control characters (line breaks included, but for a
  final one), escape sequences and the invisible characters that reorder
  text (bidirectional overrides) are shown as visible escapes (``\\x1b``,
  ``\\n``, ``\\u202e``), so the text stays on its line and says what it holds;
- ``for_markdown`` and ``for_markdown_code``: the same, with line breaks
  folded (Markdown's lines are the report's), HTML written as text
  (``&lt;script&gt;``) and Markdown's syntax escaped, so that a link or a
  heading cannot be made from scheme text;
- ``for_html``: the same as for a terminal (an HTML page may be printed to
  one), then HTML-escaped;
- ``for_json``: JSON already escapes control characters; this also escapes
  the others above, which JSON allows raw, so the text is safe on a terminal
  and still the same data.

``neutralised(value, clean)`` applies one of them to every text inside a
result, a comparison or a report (dataclasses, lists, mappings), so a
reporter cleans its input once, whatever its shape.
"""
from __future__ import annotations

import dataclasses
import re

#: Characters shown as escapes: every non-printable character but the
#: ordinary spaces (a no-break space from a word processor is left alone).
_HIDDEN = re.compile(r"[^\x20-\x7e]")
#: Markdown's active characters; an underscore inside a word (``opt_in``,
#: ``002_fbf4.txt``) is left alone, as CommonMark never reads it as emphasis.
_MARKDOWN = re.compile(r"[\\`*\[\]{}#!|~]|_(?!(?<=[0-9A-Za-z]_)[0-9A-Za-z])")
_MARKDOWN_START = re.compile(r"^([-+=>]|[0-9]+[.)])")
_JSON_HIDDEN = re.compile("[\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")


def _visible(char: str) -> str:
    import unicodedata  # only for text that holds something unusual

    if char.isprintable() or unicodedata.category(char) == "Zs":
        return char
    return char.encode("unicode_escape").decode("ascii")


def for_terminal(text) -> str:
    """Text shown on a terminal as one line that says what it holds."""
    text = str(text).rstrip("\r\n")
    if text.isprintable():
        return text
    return _HIDDEN.sub(lambda found: _visible(found.group()), text)


def for_markdown(text) -> str:
    """Text placed in Markdown prose: it can make no link, heading, HTML or emphasis."""
    import html  # (a text report needs none of it)

    text = for_terminal(" ".join(str(text).split()))
    text = html.escape(text, quote=False)
    text = _MARKDOWN.sub(lambda found: "\\" + found.group(), text)
    return _MARKDOWN_START.sub(lambda found: "\\" + found.group(), text)


def for_markdown_code(text) -> str:
    """Text as a Markdown code span, fenced so that no backtick in it ends the span."""
    text = for_terminal(" ".join(str(text).split()))
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def for_html(text) -> str:
    """Text placed in an HTML page, as text."""
    import html

    return html.escape(for_terminal(text), quote=True)


def for_json(dumped: str) -> str:
    """JSON text with the characters that JSON leaves raw but a terminal obeys written as ``\\u`` escapes."""
    return _JSON_HIDDEN.sub(lambda found: f"\\u{ord(found.group()):04x}", dumped)


def neutralised(value, clean):
    """``value`` with ``clean`` applied to every text inside it: in
    dataclasses (rebuilt with ``dataclasses.replace``), lists, tuples, sets and
    mappings (keys too). Other objects are returned as they are."""
    if isinstance(value, str):
        return clean(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: neutralised(getattr(value, f.name), clean)
                   for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        out = value.copy()  # of the same kind: a Counter stays a Counter
        out.clear()
        out.update((neutralised(k, clean), neutralised(v, clean)) for k, v in value.items())
        return out
    if isinstance(value, (list, tuple, set, frozenset)) and type(value) in (list, tuple, set, frozenset):
        return type(value)(neutralised(item, clean) for item in value)
    return value
