"""The JSON API of `vires serve`: every endpoint, and bad input answered 422
with the CLI's located diagnostics, never a stack trace."""
from __future__ import annotations

import json

import pytest

from conftest import CASES, run_vires
from web_support import client

LEEDS = (CASES / "leeds-2017.yaml").read_bytes()
YAML = {"content-type": "application/yaml"}


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    return client(tmp_path_factory.mktemp("api"))


def test_check_answers_the_json_of_vires_check(web):
    answer = web.post("/api/check", content=LEEDS, headers=YAML)
    assert answer.status_code == 200
    cli = json.loads(run_vires("check", "--format", "json", "cases/leeds-2017.yaml").stdout)[0]
    got = answer.json()
    assert got["verdict"] == "ultra_vires" and got["decided_by"] == cli["decided_by"]
    assert {k: v for k, v in got.items() if k != "file"} == {k: v for k, v in cli.items() if k != "file"}


def test_check_takes_json_and_is_byte_stable(web):
    import yaml

    body = json.dumps(yaml.safe_load(LEEDS), default=str)
    first = web.post("/api/check", content=body, headers={"content-type": "application/json"})
    second = web.post("/api/check", content=body, headers={"content-type": "application/json"})
    assert first.status_code == 200 and first.content == second.content
    assert first.json()["verdict"] == "ultra_vires" and first.json()["file"] == "<request>"


def test_check_can_keep_the_answer_in_the_decision_record(web):
    answer = web.post("/api/check?record=true", content=LEEDS, headers=YAML).json()
    record = web.get(f"/api/records/{answer['record']}").json()
    assert record["verdict"] == "ultra_vires" and record["edition"] == answer["edition"]
    assert record["recheck"]["changed"] is False and record["recheck"]["verdict_now"] == "ultra_vires"
    assert len(record["policy_hash"]) == 64
    assert web.get("/api/records/nothing").status_code == 404


def test_whatif_fix_and_precedents(web):
    import yaml

    scheme = yaml.safe_load(LEEDS)
    scheme = json.loads(json.dumps(scheme, default=str))
    changes = [{"op": "set", "path": "change.instrument", "value": "local_incentive_scheme"},
               {"op": "add", "path": "decisions", "value": {"body": {"kind": "ccg"}, "status": "granted",
                                                            "formality": "formal"}}]
    after = web.post("/api/whatif", json={"scheme": scheme, "changes": changes}).json()
    assert (after["before"]["verdict"], after["after"]["verdict"]) == ("ultra_vires", "valid")
    fixes = web.post("/api/fix", json=scheme).json()
    assert fixes["fixes"] and fixes["fixes"][0]["verdict"] == "valid"
    near = web.post("/api/precedents", json=scheme).json()
    assert near["precedents"] and all(p["case"] != "leeds-2017" for p in near["precedents"])


def test_the_schema_the_editions_and_the_openapi_description(web):
    assert web.get("/api/schema").json()["title"]
    editions = web.get("/api/editions").json()
    assert any(e["id"] == "england-2015" for e in editions["editions"]) and len(editions["policy_hash"]) == 64
    spec = web.get("/api/openapi.json").json()
    assert {"/api/check", "/api/whatif", "/api/fix", "/api/precedents", "/api/schema", "/api/editions",
            "/api/records/{record_id}"} <= set(spec["paths"])
    refs = json.dumps(spec)
    assert "#/$defs/" not in refs and "Scheme" in spec["components"]["schemas"]


def _diagnostics(answer):
    assert answer.status_code == 422, answer.text
    assert "Traceback" not in answer.text
    return answer.json()["diagnostics"]


def test_a_bad_value_is_located_with_its_code_path_and_hint_as_in_the_cli(web):
    body = LEEDS.replace(b"kind: ccg", b"kind: area_teem", 1)
    found = _diagnostics(web.post("/api/check", content=body, headers=YAML))
    assert found[0]["code"] == "scheme.bad_value" and found[0]["path"] == "maker.kind"
    assert found[0]["line"] > 1 and "area_team" in found[0]["hint"]


@pytest.mark.parametrize("body, code", [
    (b"id: [unclosed", "yaml.syntax"),
    (b"", "input.empty"),
    (b"a: !!python/object/apply:os.system ['true']", "yaml.bad_value"),
    (b"[" * 100 + b"]" * 100, "input.too_deep"),
    (b"- 1\n- 2\n", "scheme.not_mapping"),
    (b"\xff\xfe", "input.utf16"),  # a UTF-16 byte order mark, named as such
    (b"id: caf\xe9\n", "input.not_utf8"),
])
def test_bad_input_answers_422_with_the_clis_codes(web, body, code):
    assert _diagnostics(web.post("/api/check", content=body, headers=YAML))[0]["code"] == code


def test_a_body_of_another_type_or_a_bad_change_is_refused(web):
    assert _diagnostics(web.post("/api/check", content=b"x", headers={"content-type": "text/plain"}))[0][
        "code"] == "request.bad_content_type"
    found = _diagnostics(web.post("/api/whatif", json={"scheme": {}, "changes": []}))
    assert found[0]["code"] == "scheme.missing_field"
    import yaml
    scheme = json.loads(json.dumps(yaml.safe_load(LEEDS), default=str))
    found = _diagnostics(web.post("/api/whatif", json={"scheme": scheme, "changes": [{"op": "swap"}]}))
    assert found[0]["code"] == "request.bad_change" and found[0]["path"] == "changes[0]"
    found = _diagnostics(web.post("/api/whatif", json={"scheme": scheme, "changes": [
        {"op": "set", "path": "decisions.9.status", "value": "granted"}]}))
    assert found[0]["code"] == "whatif.bad_change"
    found = _diagnostics(web.post("/api/fix?max_changes=banana", content=LEEDS, headers=YAML))
    assert found[0]["code"] == "request.bad_parameter"


def test_a_request_over_the_size_limit_is_refused_before_it_is_read(web):
    from checker.web.security import MAX_BODY

    answer = web.post("/api/check", content=b"#" * (MAX_BODY + 1), headers=YAML)
    assert answer.status_code == 413 and answer.json()["diagnostics"][0]["code"] == "request.too_large"

    def chunks():  # no declared length: counted as it arrives
        for _ in range(MAX_BODY // 65536 + 2):
            yield b"#" * 65536

    answer = web.post("/api/check", content=chunks(), headers=YAML)
    assert answer.status_code == 413


def test_a_bug_answers_500_in_a_plain_sentence(web, monkeypatch):
    from checker.web import service

    def broken(self, scheme):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(service.Service, "check", broken)
    answer = web.post("/api/check", content=LEEDS, headers=YAML)
    assert answer.status_code == 500 and "bug in vires" in answer.text
    assert "secret internals" not in answer.text and "Traceback" not in answer.text


def _leeds_json(**change) -> dict:
    import yaml

    scheme = json.loads(json.dumps(yaml.safe_load(LEEDS), default=str))
    scheme["maker"].update(change)
    return scheme


def test_a_json_body_read_fast_is_checked_as_the_yaml_one_and_located_when_bad(web):
    as_json = web.post("/api/check", content=json.dumps(_leeds_json()), headers={"content-type": "application/json"})
    as_yaml = web.post("/api/check", content=LEEDS, headers=YAML)
    assert as_json.content == as_yaml.content
    bad = json.dumps(_leeds_json(kind="area_teem"), indent=2)
    found = _diagnostics(web.post("/api/check", content=bad, headers={"content-type": "application/json"}))
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if "area_teem" in text)
    assert (found[0]["code"], found[0]["path"], found[0]["line"]) == ("scheme.bad_value", "maker.kind", line)


@pytest.mark.parametrize("body, code", [
    ('{"id": "a", "id": "b"}', "yaml.duplicate_key"),
    ("[" * 60 + "]" * 60, "input.too_deep"),
    ('{"title": NaN}', "scheme.missing_field"),
    ('{"id": ', "yaml.syntax"),
])
def test_json_the_fast_reader_refuses_goes_to_the_clis_loader(web, body, code):
    found = _diagnostics(web.post("/api/check", content=body, headers={"content-type": "application/json"}))
    assert found[0]["code"] == code


def test_answers_are_the_json_modules_compact_bytes_for_every_library_case():
    # orjson writes the answers (checker/web/api.py); they must be the bytes
    # the json module's compact form gives, whatever the case's verdict.
    import orjson

    from checker.evaluate.checker import checker_for
    from checker.reporters.json_report import result_dict
    from checker.web.api import _FLOAT_FORMS, json_answer

    checker = checker_for()
    for path in sorted(CASES.glob("*.yaml")):
        data = result_dict(checker.check_scheme(checker.load(path)))
        expected = (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        assert json_answer(data).body == expected, path.name
        # ... and by orjson itself: no number in it sends the answer to the json module
        assert not _FLOAT_FORMS.search(orjson.dumps(data)), path.name
    # what orjson refuses (an integer beyond 64 bits), and numbers the two write
    # differently (exponents, small numbers written out), are the json module's
    for data in ({"n": 2 ** 70, "t": "é\u2028"}, {"share": 0.00001}, {"v": 2.5e-08}, {"v": [1e16, -1.5e300, 0.0001]},
                 [-0.00002, 9.99e-05], {"v": [1, 123456789012345678.0]}):
        expected = (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        assert json_answer(data).body == expected, data


def test_a_whatif_with_a_small_share_answers_as_the_cli_writes_it(web):
    import yaml

    body = {"scheme": yaml.safe_load(LEEDS), "changes": [{"op": "set", "path": "change.share_of_points",
                                                         "value": 0.00002}]}
    answer = web.post("/api/whatif", content=json.dumps(body, default=str), headers={"content-type": "application/json"})
    assert answer.status_code == 200 and b"2e-05" in answer.content and b"0.00002" not in answer.content
