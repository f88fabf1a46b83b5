"""The web app of `vires serve`: the interview as a form (``form``), the
pages (``pages``) and JSON API (``api``) on FastAPI (``app``), what they do
with a scheme (``service``), drafts and the decision record (``store``), and
safety by default (``security``). Imported only by `vires serve`: the other
commands never load the web stack."""
