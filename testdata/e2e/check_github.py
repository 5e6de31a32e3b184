#!/usr/bin/env python3
"""Reads `pullcheck --format github` the way the GitHub Actions runner does, and compares what it
gets with pullcheck's JSON of the same run.

    check_github.py --github OUTPUT --json FINDINGS

The parser below follows actions/runner: src/Runner.Common/ActionCommand.cs (TryParseV2,
UnescapeProperty, UnescapeData) and src/Runner.Worker/ActionCommandManager.cs
(IssueCommandExtension.ValidateLinesAndColumns), written anew from reading them:

- the runner reads the step's output line by line (.NET ReadLine: LF, CR or CRLF end a line);
- a command line is `::name key=value,key=value::data` (after leading white space): the properties
  end at the first `::` after the opening one, the name ends at the first space, properties are
  split on `,` and each on its first `=`, empty parts are dropped;
- property values are unescaped %0D, %0A, %3A, %2C, %25 in that order, data %0D, %0A, %25;
- col and endColumn are dropped when line and endLine differ (compared as strings), endLine
  before line drops both lines, endColumn before col drops both columns.

Every line must be a command; each must decode to exactly the finding's file, lines, columns,
title and message, and pass ValidateLinesAndColumns without losing a property.
"""
from __future__ import annotations

import argparse
import json
import sys

from display_policy import attached, display

ISSUE_COMMANDS = {"error", "warning", "notice"}
SEVERITY_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def read_lines(text: str) -> list[str]:
    """.NET TextReader.ReadLine: a line ends at LF, CR or CRLF."""
    lines, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char in "\r\n":
            lines.append("".join(current))
            current = []
            if char == "\r" and index + 1 < len(text) and text[index + 1] == "\n":
                index += 1
        else:
            current.append(char)
        index += 1
    if current:
        lines.append("".join(current))
    return lines


def unescape(value: str, mappings: list[tuple[str, str]]) -> str:
    for token, replacement in mappings:
        value = value.replace(replacement, token)
    return value


PROPERTY_MAPPINGS = [("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25")]
DATA_MAPPINGS = [("\r", "%0D"), ("\n", "%0A"), ("%", "%25")]


def try_parse_v2(message: str):
    """ActionCommand.TryParseV2: (command, properties, data), or None when not a command."""
    if not message:
        return None
    message = message.lstrip()
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if name not in ISSUE_COMMANDS:
        return None
    properties: dict[str, str] = {}
    if space > 0:
        for part in (p for p in info[space + 1:].strip().split(",") if p):
            pair = [p for p in part.split("=", 1) if p]
            if len(pair) == 2:
                properties[pair[0].lower()] = unescape(pair[1], PROPERTY_MAPPINGS)
    return name, properties, unescape(message[end + 2:], DATA_MAPPINGS)


def validate_lines_and_columns(properties: dict[str, str]) -> dict[str, str]:
    """IssueCommandExtension.ValidateLinesAndColumns, on a copy."""
    p = dict(properties)

    def number(key):
        try:
            return int(p[key]) if key in p else None
        except ValueError:
            return None

    line, end_line, column, end_column = number("line"), number("endline"), number("col"), number("endcolumn")
    has_column = column is not None or end_column is not None
    if end_line is not None and line is None:
        p["line"] = p["endline"]
        line = end_line
    if end_column is not None and column is None:
        p["col"] = p["endcolumn"]
        column = end_column
    if line is None and has_column:
        p.pop("col", None)
        p.pop("endcolumn", None)
    if end_line is not None and p.get("line") != p.get("endline") and has_column:
        p.pop("col", None)
        p.pop("endcolumn", None)
    if line is not None and end_line is not None and end_line < line:
        p.pop("line", None)
        p.pop("endline", None)
    if column is not None and end_column is not None and end_column < column:
        p.pop("col", None)
        p.pop("endcolumn", None)
    return p


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--github", required=True)
    parser.add_argument("--json", required=True)
    args = parser.parse_args()
    with open(args.github, encoding="utf-8", newline="") as handle:
        output = handle.read()
    with open(args.json, encoding="utf-8") as handle:
        expected = json.load(handle)

    failures: list[str] = []
    check = lambda condition, message: condition or failures.append(message)  # noqa: E731

    check(output == "" or output.endswith("\n"), "output does not end with a newline")
    check("\r" not in output, "output holds a raw CR")
    unsafe = [c for c in output if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029"
                                                 or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069)]
    check(not unsafe, f"output holds raw control, separator or bidirectional characters: {unsafe!r}")
    want = []
    for error in expected.get("inputErrors", []):
        want.append(("error", {"file": attached(error["file"]), "title": "pullcheck: unreadable input"}, error["message"]))
    for finding in expected["findings"]:
        properties = {"file": attached(finding["file"]), "line": str(finding["line"]), "endline": str(finding["endLine"])}
        if finding["line"] == finding["endLine"]:
            properties["col"] = str(finding["column"])
            properties["endcolumn"] = str(finding["endColumn"])
        properties["title"] = f"pullcheck {finding['rule']}"
        want.append((SEVERITY_COMMAND[finding["severity"]], properties, f"{finding['message']} [{finding['rule']}]"))

    lines = read_lines(output)
    check(len(lines) == len(want), f"{len(lines)} lines for {len(want)} annotations")
    for number, (line, expected_command) in enumerate(zip(lines, want), start=1):
        parsed = try_parse_v2(line)
        if parsed is None:
            failures.append(f"line {number} is not a workflow command the runner recognizes: {line!r}")
            continue
        check(parsed == expected_command, f"line {number} decodes to {parsed!r}, expected {expected_command!r}")
        validated = validate_lines_and_columns(parsed[1])
        check(validated == parsed[1], f"line {number}: the runner would change its properties to {validated!r}")

    if failures:
        print("FAIL GitHub workflow commands:")
        for failure in failures:
            print(f"  - {failure}")
        sys.exit(1)
    print(f"ok   GitHub workflow commands: {len(lines)} annotations decode as the runner decodes them")


if __name__ == "__main__":
    main()
