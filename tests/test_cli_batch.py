"""The batch commands used for evaluation: JSONL in, the scorer's JSONL out, offsets into the text as given."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from newsbrief.cli import app

TEXTS = {
    "port": (
        "Dock workers at the Port of Calderhaven walked out on Monday, leaving 41 ships waiting offshore. "
        "The Dock and Harbour Workers' Union said 3,400 members had joined the strike over pay. "
        '"We will stay out until the offer improves," said Marta Kellner, the union\'s general secretary. '
        "The Calderhaven Port Authority said it had offered a 4.5% rise and a one-off payment of 1,200 euros. "
        "Shipping agents warned that the delays would cost traders about 41 million euros a day."
    ),
    "rates": (
        "The Bank of Valdoria cut its main interest rate to 3.5% on Thursday, its first cut in 18 months. "
        "Governor Ingrid Marlow said inflation had fallen faster than expected. "
        "Economists at Northfield Capital had forecast the move after inflation dropped to 2.4% in October. "
        "Marlow met with Finance Minister Tomas Ekholm on Friday."
    ),
}


def write_input(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in TEXTS.items()))
    return path


def read(path: Path) -> dict[str, dict]:
    return {row["id"]: row for row in map(json.loads, path.read_text().splitlines())}


def test_summarize_writes_scorer_rows_with_spans(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["summarize", str(write_input(tmp_path)), "-o", str(out), "--sentences", "2"])
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert set(rows) == set(TEXTS)
    for key, row in rows.items():
        assert 1 <= len(row["summary"]) <= 2
        for sentence, (start, end) in zip(row["summary"], row["spans"], strict=True):
            assert TEXTS[key][start:end] == sentence
    assert rows["port"]["summary"][0].startswith("Dock workers at the Port of Calderhaven walked out")


def test_facts_writes_entities_quotes_dates_numbers_events(tmp_path: Path) -> None:
    out = tmp_path / "facts.jsonl"
    result = CliRunner().invoke(app, ["facts", str(write_input(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = read(out)
    port, rates = rows["port"], rows["rates"]
    for key, row in rows.items():
        for entity in row["entities"]:
            assert TEXTS[key][entity["start"] : entity["end"]] == entity["text"] and entity["label"]
    names = {e["name"] for e in port["entities"]}
    assert {"Marta Kellner", "Calderhaven Port Authority"} <= names
    [quote] = [q for q in port["quotes"] if q["kind"] == "direct"]
    assert quote["text"] == "We will stay out until the offer improves" and quote["speaker"] == "Marta Kellner"
    assert any(n["text"] == "3.5%" and n["kind"] == "PERCENT" for n in rates["numbers"])
    assert any(d["text"] == "October" for d in rates["dates"])
    [event] = rates["events"]  # both sides named; the port's "Dock workers walked out" names no one
    assert (event["subject"], event["action"], event["object"]) == (
        "Marlow",
        "met with",
        "Finance Minister Tomas Ekholm",
    )
    assert TEXTS["rates"][event["object_span"]["start"] : event["object_span"]["end"]] == event["object"]


def test_rows_without_text_are_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "body": "no text field"}\n')
    result = CliRunner().invoke(app, ["summarize", str(bad), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code != 0
    assert "needs a 'text' or a 'docs' field" in result.output
