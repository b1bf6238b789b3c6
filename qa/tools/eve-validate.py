#!/usr/bin/python3
"""eve-validate.py -- check every line of an EVE JSON file against Suricata's EVE schema.

Usage: eve-validate.py [--schema SCHEMA] EVE_JSON

Prints "FILE:LINE: <error>" for each problem (a line that is not JSON, or a schema violation
with the path of the offending field), then "N records valid, M invalid". Exit status: 0 if all
records are valid, 1 if any is invalid, 2 on a usage or I/O error, 77 if python3-jsonschema is
not installed (the autotools "skipped" code, so callers can report a skip rather than a pass).
"""
import argparse
import json
import os
import sys

DEFAULT_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schema",
                              "eve-schema.json")
MAX_ERRORS_PER_LINE = 10


def field_path(err):
    return ".".join(str(p) for p in err.absolute_path) or "(record)"


def main():
    ap = argparse.ArgumentParser(description="Validate EVE JSON lines against a JSON schema.")
    ap.add_argument("--schema", default=DEFAULT_SCHEMA, help="schema file (default: %(default)s)")
    ap.add_argument("eve", help="EVE JSON file, one record per line")
    args = ap.parse_args()

    try:
        import jsonschema
    except ImportError:
        print("eve-validate: python3-jsonschema is not installed (apt-get install "
              "python3-jsonschema)", file=sys.stderr)
        return 77

    try:
        with open(args.schema, encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        print(f"eve-validate: cannot load schema {args.schema}: {e}", file=sys.stderr)
        return 2

    cls = getattr(jsonschema, "Draft202012Validator", None) or jsonschema.Draft7Validator
    validator = cls(schema)
    name = args.eve
    valid = invalid = 0
    try:
        f = open(name, "rb")
    except OSError as e:
        print(f"eve-validate: cannot open {name}: {e.strerror}", file=sys.stderr)
        return 2
    with f:
        for lineno, raw in enumerate(f, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                print(f"{name}:{lineno}: not UTF-8: {e}")
                invalid += 1
                continue
            if not text.endswith("\n"):
                print(f"{name}:{lineno}: record does not end with a newline")
                invalid += 1
                continue
            try:
                record = json.loads(text)
            except ValueError as e:
                print(f"{name}:{lineno}: not JSON: {e}")
                invalid += 1
                continue
            errors = sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path))
            if not errors:
                valid += 1
                continue
            invalid += 1
            for err in errors[:MAX_ERRORS_PER_LINE]:
                print(f"{name}:{lineno}: {field_path(err)}: {err.message}")
            if len(errors) > MAX_ERRORS_PER_LINE:
                print(f"{name}:{lineno}: ... {len(errors) - MAX_ERRORS_PER_LINE} more errors")
    print(f"{valid} records valid, {invalid} invalid")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
