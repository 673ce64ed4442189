#!/usr/bin/env python3
"""Check manifest files against docs/manifest.schema.json, as an editor would.

Usage: schema_check.py SCHEMA FILE...

Prints one line per file: "ACCEPT<TAB>FILE" or "REJECT<TAB>FILE<TAB>REASON".

YAML is read the way PavilionManifest reads it: YAML 1.2 core schema for
plain scalars (yes/no/on/off are strings, 0o17 is octal, 017 is decimal),
one document, no anchors or aliases, core tags only, no duplicate keys,
nesting at most 64, at most 1 MiB, strict UTF-8, no .inf/.nan. The result
is then validated with jsonschema's Draft202012Validator.
"""
import math
import re
import sys
import json

import jsonschema
import yaml

MAX_BYTES = 1 << 20
MAX_DEPTH = 64
CORE = "tag:yaml.org,2002:"
CORE_TAGS = {CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}


class Reject(Exception):
    pass


class CoreLoader(yaml.SafeLoader):
    pass


CoreLoader.yaml_implicit_resolvers = {}
CoreLoader.add_implicit_resolver(CORE + "null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
CoreLoader.add_implicit_resolver(CORE + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
CoreLoader.add_implicit_resolver(CORE + "int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                                 list("-+0123456789"))
CoreLoader.add_implicit_resolver(
    CORE + "float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+.0123456789"))


def construct_null(loader, node):
    if loader.construct_scalar(node) not in ("~", "null", "Null", "NULL", ""):
        raise Reject("bad !!null")
    return None


def construct_bool(loader, node):
    v = loader.construct_scalar(node)
    if v in ("true", "True", "TRUE"):
        return True
    if v in ("false", "False", "FALSE"):
        return False
    raise Reject("bad !!bool")


def construct_int(loader, node):
    v = loader.construct_scalar(node)
    if not re.fullmatch(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", v):
        raise Reject("bad !!int")
    if v.startswith("0o"):
        return int(v[2:], 8)
    if v.startswith("0x"):
        return int(v[2:], 16)
    return int(v)


def construct_float(loader, node):
    v = loader.construct_scalar(node)
    if v in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"):
        raise Reject(".inf and .nan cannot be represented in JSON")
    if not re.fullmatch(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?", v):
        raise Reject("bad !!float")
    f = float(v)
    if not math.isfinite(f):
        raise Reject("float out of range")
    return f


def construct_map(loader, node):
    out = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise Reject("non-scalar key")
        if key_node.value in out:
            raise Reject("duplicate key " + key_node.value)
        out[key_node.value] = loader.construct_object(value_node, deep=True)
    return out


def construct_seq(loader, node):
    return [loader.construct_object(child, deep=True) for child in node.value]


CoreLoader.add_constructor(CORE + "null", construct_null)
CoreLoader.add_constructor(CORE + "bool", construct_bool)
CoreLoader.add_constructor(CORE + "int", construct_int)
CoreLoader.add_constructor(CORE + "float", construct_float)
CoreLoader.add_constructor(CORE + "map", construct_map)
CoreLoader.add_constructor(CORE + "seq", construct_seq)


def check_events(text):
    depth = 0
    documents = 0
    for event in yaml.parse(text, Loader=CoreLoader):
        if isinstance(event, yaml.AliasEvent):
            raise Reject("alias")
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise Reject("more than one document")
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            if event.anchor is not None:
                raise Reject("anchor")
            if event.tag is not None and event.tag not in CORE_TAGS:
                raise Reject("tag " + event.tag)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise Reject("too deep")
        if isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    if documents == 0:
        raise Reject("empty")


def check(validator, path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) > MAX_BYTES:
        raise Reject("too large")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Reject("invalid UTF-8: %s" % e)
    try:
        check_events(text)
        value = yaml.load(text, Loader=CoreLoader)
    except yaml.YAMLError as e:
        raise Reject("YAML: %s" % str(e).replace("\n", " "))
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path)
        raise Reject("schema: %s: %s" % (where, e.message.replace("\n", " ")[:300]))


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sys.argv[2:]:
        try:
            check(validator, path)
            print("ACCEPT\t%s" % path)
        except Reject as e:
            print("REJECT\t%s\t%s" % (path, e))
        except Exception as e:  # anything else the YAML library throws
            print("REJECT\t%s\t%s: %s" % (path, type(e).__name__, str(e).replace("\n", " ")))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
