#!/usr/bin/env python3
"""Parses `pullcheck --format junit` as XML and reads it back with junitparser, and compares it
with pullcheck's JSON of the same run.

    check_junit.py --junit REPORT --json FINDINGS [--fail-level warning]

- well-formed XML 1.0 (Python's expat parser), UTF-8, root <testsuites>;
- the structure Jenkins' and GitLab's JUnit readers expect: <testsuites> of <testsuite name tests
  failures errors> of <testcase name classname>, with at most one <failure> or <error>;
- the counts on <testsuites> and each <testsuite> add up to the elements below them;
- one suite per input file, named by the file relative to the working directory without `./`;
- each finding is exactly one test case (classname `pullcheck.<rule>`, name `<file>:<line>:<column>`,
  file and line attributes): a <failure> (type the severity, message the message, text the
  finding's line) at or above the fail level, <system-out> below it; a file without findings is
  one passing test case; each unreadable input is an <error>; nothing else, so the report grows
  with the findings, not with files x rules;
- attribute values and text come back exactly (quotes, <, &, escaped control characters);
- junitparser (an independent reader) sees the same suites, cases and results.
"""
from __future__ import annotations

import argparse
import json
import sys

from display_policy import attached, display
import xml.etree.ElementTree as ET
from collections import defaultdict

RANK = {"info": 0, "warning": 1, "error": 2}
FAIL_LEVEL = {"info": 0, "warning": 1, "error": 2, "none": 3}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--junit", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--fail-level", default="warning")
    args = parser.parse_args()
    with open(args.json, encoding="utf-8") as handle:
        expected = json.load(handle)
    with open(args.junit, "rb") as handle:
        raw = handle.read()

    failures: list[str] = []
    check = lambda condition, message: condition or failures.append(message)  # noqa: E731

    check(raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n'), "no XML declaration with UTF-8")
    raw.decode("utf-8")  # strict
    root = ET.fromstring(raw)
    check(root.tag == "testsuites", f"root is <{root.tag}>")

    by_file = defaultdict(list)
    for finding in expected["findings"]:
        by_file[attached(finding["file"])].append(finding)
    unreadable = defaultdict(list)
    for error in expected.get("inputErrors", []):
        unreadable[attached(error["file"])].append(error["message"])
    threshold = FAIL_LEVEL[args.fail_level]

    totals = {"tests": 0, "failures": 0, "errors": 0}
    suites = root.findall("testsuite")
    check(len(list(root)) == len(suites), "<testsuites> holds something other than <testsuite>")
    seen_files = set()
    for suite in suites:
        name = suite.get("name")
        check(name not in seen_files, f"two suites for {name}")
        seen_files.add(name)
        check(not name.startswith("./"), f"suite {name} starts with ./")
        cases = suite.findall("testcase")
        check(len(list(suite)) == len(cases), f"suite {name} holds something other than <testcase>")
        counts = {"tests": len(cases), "failures": 0, "errors": 0}
        want = []
        if name in unreadable:
            text = "\n".join(unreadable[name])
            want.append(("pullcheck.input", name, None, "error", "input", text, text))
        for f in by_file.get(name, []):
            line = f"{name}:{f['line']}:{f['column']}: {f['severity']}: {f['message']} [{f['rule']}]"
            failing = RANK[f["severity"]] >= threshold
            want.append((f"pullcheck.{f['rule']}", f"{name}:{f['line']}:{f['column']}", str(f["line"]),
                         "failure" if failing else "system-out", f["severity"] if failing else None,
                         f["message"] if failing else None, line))
        if not want:
            want.append(("pullcheck", name, None, None, None, None, None))
        check(len(cases) == len(want), f"suite {name}: {len(cases)} test cases, expected {len(want)}")
        names = set()
        for case, (classname, case_name, line, tag, kind, message, text) in zip(cases, want):
            check(case.get("file") == name, f"{name}: testcase file {case.get('file')!r}")
            check(case.get("classname") == classname, f"{name}: classname {case.get('classname')!r}, expected {classname!r}")
            got_name = case.get("name")
            check(got_name == case_name or got_name.startswith(case_name + " ("), f"{name}: name {got_name!r}, expected {case_name!r}")
            check((classname, got_name) not in names, f"{name}: test case {classname} {got_name} twice")
            names.add((classname, got_name))
            check(case.get("line") == line, f"{name}/{got_name}: line {case.get('line')!r}, expected {line!r}")
            children = list(case)
            if tag is None:
                check(not children, f"{name}: a clean file's test case has a result element")
                continue
            ok = len(children) == 1 and children[0].tag == tag
            check(ok, f"{name}/{got_name}: expected <{tag}>, got {[c.tag for c in children]}")
            if not ok:
                continue
            element = children[0]
            check(element.text == text, f"{name}/{got_name}: <{tag}> text {element.text!r} != {text!r}")
            if tag != "system-out":
                check(element.get("type") == kind, f"{name}/{got_name}: type {element.get('type')!r}, expected {kind!r}")
                check(element.get("message") == message, f"{name}/{got_name}: message {element.get('message')!r} != {message!r}")
                counts["failures" if tag == "failure" else "errors"] += 1
        for key in counts:
            check(suite.get(key) == str(counts[key]), f"suite {name}: {key}={suite.get(key)}, counted {counts[key]}")
            totals[key] += counts[key]
    for key in totals:
        check(root.get(key) == str(totals[key]), f"testsuites {key}={root.get(key)}, counted {totals[key]}")
    check(set(by_file) <= seen_files, f"findings without a suite: {set(by_file) - seen_files}")
    check(set(unreadable) <= seen_files, f"unreadable inputs without a suite: {set(unreadable) - seen_files}")
    check(totals["tests"] == len(expected["findings"]) + len(expected.get("inputErrors", []))
          + len([s for s in suites if s.get("name") not in by_file and s.get("name") not in unreadable]),
          "the test cases are not one per finding, unreadable input and clean file")

    # junitparser, an independent reader.
    from junitparser import Error, Failure, JUnitXml

    xml = JUnitXml.fromfile(args.junit)
    read_suites = list(xml)
    check(len(read_suites) == len(suites), f"junitparser reads {len(read_suites)} suites")
    read_failures = read_errors = read_cases = 0
    for suite in read_suites:
        for case in suite:
            read_cases += 1
            for result in case.result:
                if isinstance(result, Failure):
                    read_failures += 1
                elif isinstance(result, Error):
                    read_errors += 1
    check((read_cases, read_failures, read_errors) == (totals["tests"], totals["failures"], totals["errors"]),
          f"junitparser reads {read_cases} cases, {read_failures} failures, {read_errors} errors; expected {totals}")

    if failures:
        print("FAIL JUnit XML:")
        for failure in failures:
            print(f"  - {failure}")
        sys.exit(1)
    print(f"ok   JUnit XML: {len(suites)} suites, {totals['tests']} cases, {totals['failures']} failures, "
          f"{totals['errors']} errors (expat and junitparser)")


if __name__ == "__main__":
    main()
