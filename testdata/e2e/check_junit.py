#!/usr/bin/env python3
"""Parses `pullcheck --format junit` as XML and reads it back with junitparser, and compares it
with pullcheck's JSON of the same run.

    check_junit.py --junit REPORT --json FINDINGS [--fail-level warning]

- well-formed XML 1.0 (Python's expat parser), UTF-8, root <testsuites>;
- the structure Jenkins' and GitLab's JUnit readers expect: <testsuites> of <testsuite name tests
  failures errors> of <testcase name classname>, with at most one <failure> or <error>;
- the counts on <testsuites> and each <testsuite> add up to the elements below them;
- one suite per input file; each finding at or above the fail level is in a <failure> of its
  file's test case for its rule, below it in <system-out>; each unreadable input is an <error>;
- attribute values and text come back exactly (quotes, <, &, newlines, tabs);
- junitparser (an independent reader) sees the same suites, cases and results.
"""
from __future__ import annotations

import argparse
import json
import sys
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

    by_file_rule = defaultdict(list)
    for finding in expected["findings"]:
        by_file_rule[(finding["file"], finding["rule"])].append(finding)
    unreadable = defaultdict(list)
    for error in expected.get("inputErrors", []):
        unreadable[error["file"]].append(error["message"])
    threshold = FAIL_LEVEL[args.fail_level]

    totals = {"tests": 0, "failures": 0, "errors": 0}
    suites = root.findall("testsuite")
    check(len(list(root)) == len(suites), "<testsuites> holds something other than <testsuite>")
    seen_files = set()
    seen_pairs = set()
    for suite in suites:
        name = suite.get("name")
        seen_files.add(name)
        cases = suite.findall("testcase")
        check(len(list(suite)) == len(cases), f"suite {name} holds something other than <testcase>")
        counts = {"tests": len(cases), "failures": 0, "errors": 0}
        for case in cases:
            check(case.get("classname") == name and case.get("file") == name, f"{name}: testcase classname/file differ")
            children = list(case)
            check(len(children) <= 1, f"{name}/{case.get('name')}: more than one result element")
            rule = case.get("name")
            if rule == "read":
                messages = unreadable.get(name, [])
                check(len(children) == 1 and children[0].tag == "error", f"{name}: unreadable input without <error>")
                if children:
                    text = "\n".join(messages)
                    check(children[0].get("message") == text and children[0].text == text,
                          f"{name}: <error> says {children[0].get('message')!r}, expected {text!r}")
                counts["errors"] += 1
                continue
            found = by_file_rule.get((name, rule), [])
            if found:
                seen_pairs.add((name, rule))
            lines = "\n".join(
                f"{f['file']}:{f['line']}:{f['column']}: {f['severity']}: {f['message']} [{f['rule']}]" for f in found)
            failing = any(RANK[f["severity"]] >= threshold for f in found)
            if not found:
                check(not children, f"{name}/{rule}: a result element without findings")
            elif failing:
                counts["failures"] += 1
                worst = max((f["severity"] for f in found), key=RANK.get)
                ok = len(children) == 1 and children[0].tag == "failure"
                check(ok, f"{name}/{rule}: expected <failure>")
                if ok:
                    element = children[0]
                    check(element.get("type") == worst, f"{name}/{rule}: failure type {element.get('type')!r}")
                    noun = "finding" if len(found) == 1 else "findings"
                    check(element.get("message") == f"{len(found)} {noun}", f"{name}/{rule}: message {element.get('message')!r}")
                    check(element.text == lines, f"{name}/{rule}: failure text {element.text!r} != {lines!r}")
            else:
                ok = len(children) == 1 and children[0].tag == "system-out"
                check(ok, f"{name}/{rule}: expected <system-out> below the fail level")
                if ok:
                    check(children[0].text == lines, f"{name}/{rule}: system-out {children[0].text!r} != {lines!r}")
        for key in counts:
            check(suite.get(key) == str(counts[key]), f"suite {name}: {key}={suite.get(key)}, counted {counts[key]}")
            totals[key] += counts[key]
    for key in totals:
        check(root.get(key) == str(totals[key]), f"testsuites {key}={root.get(key)}, counted {totals[key]}")
    check(set(by_file_rule) <= seen_pairs, f"findings without a test case: {set(by_file_rule) - seen_pairs}")
    check(set(unreadable) <= seen_files, f"unreadable inputs without a suite: {set(unreadable) - seen_files}")

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
