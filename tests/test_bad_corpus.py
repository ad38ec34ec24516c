"""The bad-input corpus: one file per kind of mistake, each with its exact messages.

Every file in ``tests/bad/`` is listed here; the hostile inputs too big to
commit (huge lines, deep nesting, alias bombs, oversized files) are made by
the tests. Nothing may raise, hang or run anything.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from journeymap.reading import load_file, load_text
from journeymap.source import Limits

BAD = ROOT / "tests" / "bad"

EXPECTED: dict[str, list[str]] = {
    "binary.yaml": [
        "1:1: the file looks binary (it holds NUL bytes), not YAML text [binary]",
    ],
    "broken-indentation.yaml": [
        "6:4: the indentation is off: this line does not line up with the lines above it [indentation]",
    ],
    "byte-order-mark.yaml": [],
    "csv-export.yaml": [
        "1:1: the top level must be a mapping with `journey`, `entry` and `nodes`, not the text `step,type,next greeting,message,menu me…` [not-a-journey]",
    ],
    "duplicate-keys-and-steps.yaml": [
        "3:1: duplicate key `entry` (first written at line 2); YAML keeps only one of them [duplicate-key]",
        "5:31: duplicate key `next` (first written at line 5); YAML keeps only one of them [duplicate-key]",
        "7:3: duplicate key `b` (first written at line 6); YAML keeps only one of them [duplicate-key]",
    ],
    "empty.yaml": [
        "1:1: the file is empty: a journey needs at least `journey`, `entry` and `nodes` [empty]",
    ],
    "markdown-notes.yaml": [
        "1:1: this does not look like a journey file (it has no `journey:` line) [not-a-journey]",
        "3:3: the indentation is off: this line does not line up with the lines above it [indentation]",
    ],
    "missing-keys.yaml": [
        "1:1: missing required key `entry` [missing-key]",
        "1:1: missing required key `journey` [missing-key]",
        "3:3: step `a` has no `type` (one of: message, menu, input, queue, agent, self_service, condition, redirect, external, end) [missing-type]",
    ],
    "python-tag.yaml": [
        "4:6: the tag `!!python/object/apply:os.system` is not allowed: journey files hold plain data (text, numbers, true/false, lists and mappings) and nothing in them is ever run [tag]",
    ],
    "tab-indentation.yaml": [
        "4:1: a tab character is used for indentation; YAML allows only spaces [tab]",
    ],
    "typo-in-id.yaml": [
        "2:8: entry `welcom` names no step of this journey (did you mean `welcome`?) [unknown-target]",
        "4:34: step `welcome`: `next` leads to `main_mneu`, which is no step of this journey (did you mean `main_menu`?) [unknown-target]",
        "5:58: step `main_menu`: `on_fail` leads to `don`, which is no step of this journey (did you mean `done`?) [unknown-target]",
    ],
    "typo-in-key.yaml": [
        "6:5: step `welcome`: unknown key `sya` (did you mean `say`?) [unknown-key]",
        "7:5: step `welcome`: unknown key `nxet` (did you mean `next`?) [unknown-key]",
        "8:21: step `done`: unknown key `outcom` (did you mean `outcome`?) [unknown-key]",
    ],
    "unterminated-quote.yaml": [
        "4:27: a quoted text opened at line 4, column 27 is never closed [unclosed-quote]",
    ],
    "vendor-json.yaml": [
        "1:1: this Amazon Connect flow export cannot be read: `StartAction` names no action (`a`) [bad-export]",
    ],
    "wrong-encoding.yaml": [
        "2:11: the file is not UTF-8 text: byte 0xE9 at line 2, column 11 cannot be read; save it as UTF-8 [encoding]",
    ],
    "wrong-types.yaml": [
        "2:10: `channel` cannot be `7`; use one of: phone, chat, web, app, email, sms, in_person, social [bad-value]",
        "5:35: step `q`: `wait_estimate` must be true or false, not the text `yes` [wrong-type]",
        "5:52: step `q`: `callback` must be true or false, not `1` [wrong-type]",
        "5:61: step `q`: `next` must be a step id or a mapping with `to`, not a list [wrong-type]",
        "6:30: step `a`: `collects` must be a list, not the text `account` [wrong-type]",
        "7:27: step `e`: `outcome` cannot be `closed`; use one of: resolved, unresolved, abandoned, disconnected [bad-value]",
    ],
}


def test_every_corpus_file_is_listed() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gets_its_exact_messages(name: str) -> None:
    loaded, problems = load_file(BAD / name)
    assert [f"{p.line}:{p.column}: {p.message} [{p.kind}]" for p in problems] == EXPECTED[name]
    assert (loaded is None) == bool(EXPECTED[name])


def test_cli_answers_every_corpus_file_without_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "journeymap", "validate", str(BAD)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    for name, messages in EXPECTED.items():
        for message in messages:
            assert f"{BAD / name}:{message}" in proc.stdout


def test_huge_single_line() -> None:
    text = "journey: long\nentry: a\nnodes:\n  a: {type: end, say: " + "x" * 2_000_000 + "}\n"
    loaded, problems = load_text(text, "long.yaml")
    assert problems == [] and loaded is not None


def test_deeply_nested_junk() -> None:
    text = "journey: deep\nentry: a\nnodes: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n"
    _, problems = load_text(text, "deep.yaml")
    assert [p.kind for p in problems] == ["too-deep"]


def test_billion_laughs() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)
    ]
    _, problems = load_text("\n".join(lines) + "\n", "bomb.yaml")
    assert [p.kind for p in problems] == ["alias-bomb"]


def test_recursive_alias() -> None:
    _, problems = load_text("journey: &j [*j]\n", "loop.yaml")
    assert [p.kind for p in problems] == ["alias"]


def test_oversized_file_and_too_many_steps(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(
        "journey: big\nentry: s0\nnodes:\n"
        + "".join(f"  s{i}: {{type: message, next: s{i + 1}}}\n" for i in range(2000))
        + "  s2000: {type: end}\n"
    )
    _, problems = load_file(big, Limits(max_bytes=10_000))
    assert [p.kind for p in problems] == ["too-large"]
    _, problems = load_file(big, Limits(max_steps=1000))
    assert [str(p) for p in problems] == [
        f"{big}:3:1: the journey has 2,001 steps, over the limit of 1,000 "
        "(raise it with --max-steps) [too-many-steps]"
    ]


# -- attack regressions (issue: hostile input, faults and scale) ---------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "journey: x\nentry: a\naudit: {weights: {menu: .inf}}\nnodes: {a: {type: end}}\n",
            "3:25: audit settings: `menu` must be a finite number, not the number `inf` [bad-value]",
        ),
        (
            "journey: x\nentry: a\nnodes: {a: {type: end, seconds: .nan}}\n",
            "3:33: step `a`: `seconds` must be a finite number, not the number `nan` [bad-value]",
        ),
        (
            "journey: x\nentry: a\naudit: {max_hurdles: 1.0e+308}\nnodes: {a: {type: end}}\n",
            "3:22: audit settings: `max_hurdles` is 1e+308; it must be at most 1e+06 [bad-value]",
        ),
    ],
)
def test_numbers_must_be_finite_and_bounded(text: str, expected: str) -> None:
    loaded, problems = load_text(text, "j.yaml")
    assert loaded is None and [str(p) for p in problems] == [f"j.yaml:{expected}"]


def test_settings_with_infinite_weights_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text("weights: {menu: .inf}\n")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "journeymap",
            "audit",
            str(ROOT / "journeys"),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "finite number" in run.stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["audit", "--max-file-size", "inf"], "--max-file-size"),
        (["audit", "--jobs", "99999999999999999999"], "--jobs"),
        (["render", "--timeout", "inf", "-f", "dot"], "--timeout"),
    ],
)
def test_huge_options_are_usage_errors(args: list[str], option: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "journeymap", *args, str(ROOT / "journeys")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr and option in run.stderr


def test_connect_content_nested_deep_or_with_huge_numbers(tmp_path: Path) -> None:
    import json

    deep = tmp_path / "deep.json"
    deep.write_text(json.dumps({"ContactFlow": {"Name": "x", "Content": "[" * 100_000}}))
    big = tmp_path / "big.json"
    big.write_text(
        json.dumps(
            {"ContactFlow": {"Content": '{"Actions": [], "StartAction": ' + "9" * 5000 + "}"}}
        )
    )
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 100_000 + "]" * 100_000)
    for path, words in (
        (deep, "nests deeper than 64 levels"),
        (big, "cannot be read"),
        (nested, "deeper than 64 levels"),
    ):
        for command in (["validate"], ["audit"], ["render", "-f", "dot", "-o", str(tmp_path)]):
            run = subprocess.run(
                [sys.executable, "-m", "journeymap", *command, str(path)],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert run.returncode == 2 and "Traceback" not in run.stderr, (path, command)
            assert words in run.stdout + run.stderr, (path, command, run.stdout, run.stderr)
        run = subprocess.run(
            [sys.executable, "-m", "journeymap", "import", str(path), "-o", str(tmp_path / "out")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 2 and "Traceback" not in run.stderr and words in run.stderr


def test_a_huge_number_is_not_echoed_in_full() -> None:
    loaded, problems = load_text(
        "journey: x\nentry: a\nnodes:\n  a: {type: end, say: " + "9" * 100_000 + "}\n"
    )
    assert (
        loaded is None and len(str(problems[0])) < 200 and "100,000 characters" in str(problems[0])
    )


def test_control_characters_and_nul_far_into_the_file_are_placed_exactly() -> None:
    steps = "".join(f"  s{i}: {{type: message, say: hello there, next: e}}\n" for i in range(300))
    for bad in ("\x01", "\x00", "\x1b"):
        text = f"journey: x\nentry: s0\nnodes:\n{steps}  e: {{type: end, say: 'x{bad}y'}}\n"
        _, problems = load_text(text, "j.yaml")
        assert [str(p) for p in problems] == [
            f"j.yaml:304:25: the file holds a control character (U+{ord(bad):04X}) that YAML "
            "does not allow [binary]"
        ]


def test_a_fifo_nobody_writes_to_does_not_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from journeymap import loader

    monkeypatch.setattr(loader, "PIPE_SECONDS", 0.5)
    fifo = tmp_path / "journey.yaml"
    os.mkfifo(fifo)
    loaded, problems = load_file(fifo)
    assert loaded is None and problems[0].kind == "unreadable"


def test_a_pipe_cannot_bypass_the_size_limit(tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "piped.yaml"
    os.mkfifo(fifo)
    text = (ROOT / "journeys" / "order-support-line.yaml").read_bytes()

    def write() -> None:
        with open(fifo, "wb") as handle, contextlib.suppress(BrokenPipeError):
            handle.write(text * 20)

    writer = threading.Thread(target=write)
    writer.start()
    loaded, problems = load_file(fifo, Limits(max_bytes=len(text)))
    writer.join(timeout=10)
    assert loaded is None and [p.kind for p in problems] == ["too-large"]


def test_audit_of_an_empty_folder_is_an_input_error(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "journeymap", "audit", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "no journey files" in run.stderr


def test_sarif_uris_are_escaped(tmp_path: Path) -> None:
    import json

    from journeymap.engine import audit
    from journeymap.reporters import Format, render

    odd = tmp_path / "my line #2 %20?.yaml"
    odd.write_text((ROOT / "journeys" / "harbor-bank-phone-banking.yaml").read_text())
    sarif = json.loads(render(audit([odd]), Format.SARIF))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris and all(" " not in u and "#" not in u and "?" not in u for u in uris)
    assert any(u.endswith("my%20line%20%232%20%2520%3F.yaml") for u in uris)


def test_a_huge_value_under_an_unknown_key_is_passed_over() -> None:
    """A structure check before the full model: memory and time follow what is read,
    not what the file holds under a typo."""
    from journeymap.loader import READ_TOP_KEYS
    from journeymap.source import parse_yaml

    text = "journey: x\nentry: a\nnodes: {a: {type: end}}\nnodez:\n" + "- item\n" * 200_000
    doc, problems = parse_yaml(text, Limits(), READ_TOP_KEYS)
    assert doc is not None and problems == []
    assert doc.data["nodez"] is None and doc.source.key(("nodez",)) == (4, 1)
    assert len(doc.source.values) < 20  # the 200,000 items were never built
    _, problems = load_text(text, "j.yaml")
    assert [str(p) for p in problems] == [
        "j.yaml:4:1: unknown key `nodez` (did you mean `nodes`?) [unknown-key]"
    ]
