#!/usr/bin/env python3
"""The demo catalog's open-data outputs, read by independent tools against a running
portal: the DCAT-AP 3 catalog (Turtle, JSON-LD, RDF/XML) and every dataset's Turtle
validated by `pyshacl` against the official shapes (this folder), every dataset's
datapackage.json validated by `frictionless` (descriptor and data), and the schema.org
JSON-LD of every dataset page and of the home page read back by `extruct`, as Google
Dataset Search would, and the DCAT-US 1.1 `/data.json` validated by `jsonschema` against
data.gov's non-federal variant of the Project Open Data v1.1 JSON Schema
(dcat-us-1.1-non-federal/, its `$ref`s resolved from those files, never fetched). Exits
non-zero naming each problem.

    python3 tests/standards/check.py http://127.0.0.1:8080
"""
import json
import sys
import urllib.request

import os

import extruct
import rfc3986_validator  # noqa: F401 (lets jsonschema check the schema's "format": "uri")
from frictionless import Package
from jsonschema import Draft4Validator
from pyshacl import validate as shacl_validate
from rdflib import Graph
from referencing import Registry, Resource

BASE = sys.argv[1].rstrip("/")
problems = []


def get(path):
    with urllib.request.urlopen(BASE + path, timeout=60) as r:
        return r.read()


def jsonld(path, wanted):
    html = get(path).decode("utf-8")
    data = extruct.extract(html, base_url=BASE + path, syntaxes=["json-ld"])["json-ld"]
    found = [d for d in data if d.get("@type") == wanted]
    if not found:
        problems.append(f"{path}: no schema.org {wanted} in its JSON-LD")
        return None
    return found[0]


names = json.loads(get("/api/3/action/package_list"))["result"]
packages = resources = 0
for name in names:
    descriptor = json.loads(get(f"/dataset/{name}/datapackage.json"))
    packages += 1
    resources += len(descriptor.get("resources", []))
    # The whole descriptor against the Data Package profile…
    meta = Package.validate_descriptor(descriptor)
    if not meta.valid:
        for error in meta.errors[:5]:
            problems.append(f"{name} datapackage descriptor: {error.message}")
    # …and every table's data against its Table Schema (links to other sites are not
    # fetched: they are not this portal's tables).
    tables = dict(descriptor, resources=[
        r for r in descriptor.get("resources", []) if r.get("profile") == "tabular-data-resource"
    ])
    report = Package(tables).validate()
    if not report.valid:
        for task in report.tasks:
            for error in task.errors[:5]:
                problems.append(f"{name} datapackage: {task.name}: {error.message}")
        for error in report.errors[:5]:
            problems.append(f"{name} datapackage: {error.message}")
    d = jsonld(f"/dataset/{name}", "Dataset")
    if d is not None:
        for field in ("name", "description", "url", "license", "publisher", "distribution"):
            if not d.get(field):
                problems.append(f"/dataset/{name}: schema.org Dataset without {field}")
jsonld("/", "DataCatalog")

# DCAT-AP 3: no violation of the official shapes, in every serialisation.
HERE = os.path.dirname(os.path.abspath(__file__))
shapes = Graph()
for f in ("dcat-ap-3.0.0-SHACL.ttl", "dcat-ap-3.0.0-range.ttl"):
    shapes.parse(os.path.join(HERE, f), format="turtle")
documents = [("/catalog.ttl", "turtle"), ("/catalog.jsonld", "json-ld"), ("/catalog.rdf", "xml")]
documents += [(f"/dataset/{n}.ttl", "turtle") for n in names]
for path, fmt in documents:
    data = Graph()
    data.parse(data=get(path), format=fmt, publicID=BASE + path)
    conforms, _, text = shacl_validate(data, shacl_graph=shapes)
    if not conforms:
        problems.append(f"{path}: DCAT-AP 3 violations:\n{text[:3000]}")
    if path == "/catalog.ttl" and len(list(data.subjects(None, None))) == 0:
        problems.append(f"{path}: empty")

# DCAT-US 1.1: /data.json against data.gov's own schema for non-federal publishers
# (GSA/ckanext-datajson, pod_schema/non-federal-v1.1/): this portal is Guatemala's, not a
# US federal agency's, so it has no bureauCode/programCode, and data.gov validates such
# catalogs with this variant, which only relaxes what the official federal schema requires
# (dcat-us-1.1/, kept for reference; dcat-us-1.1-non-federal/SOURCES.md says what differs).
# Draft 4, as it declares, formats checked; dataset-non-federal.json and the definitions
# with their own `id` inside it (vcard-non-federal, distribution, organization) are found in
# the registry by those `id`s (or file names), never downloaded.
POD = os.path.join(HERE, "dcat-us-1.1-non-federal")
pod = {}
for f in ("catalog.json", "dataset-non-federal.json"):
    with open(os.path.join(POD, f), encoding="utf-8") as fh:
        pod[f] = json.load(fh)
registry = Registry().with_resources(
    (uri, Resource.from_contents(schema))
    for f, schema in pod.items()
    for uri in (schema["id"].rstrip("#"), f)
).crawl()
pod_validator = Draft4Validator(
    pod["catalog.json"], registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER
)
data_json = json.loads(get("/data.json"))
us_datasets = data_json.get("dataset", []) if isinstance(data_json, dict) else []
if not us_datasets:
    problems.append("/data.json: no datasets")


def pod_path(error):
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def pod_message(error):
    if isinstance(error.instance, (dict, list)):  # not the whole value again
        return f"{type(error.instance).__name__} fails {error.validator} {error.validator_value!r}"[:200]
    return error.message if len(error.message) <= 200 else error.message[:200] + "…"


def pod_order(error):
    return [(0, part, "") if isinstance(part, int) else (1, 0, part) for part in error.absolute_path]


for error in sorted(pod_validator.iter_errors(data_json), key=pod_order):
    where = pod_path(error)
    path = list(error.absolute_path)
    if path[:1] == ["dataset"] and len(path) >= 2 and isinstance(path[1], int) \
            and isinstance(us_datasets[path[1]], dict):
        where += f" ({us_datasets[path[1]].get('identifier', '?')})"
    message = error.message
    if error.context:  # anyOf/oneOf: why each alternative failed, where (not the whole value)
        message = f"no {error.validator} alternative holds: " + "; ".join(
            sorted({f"{pod_path(c)}: {pod_message(c)}" for c in error.context})
        )
    problems.append(f"/data.json: DCAT-US 1.1: {where}: {message}")

if problems:
    print(f"standards: {len(problems)} problem(s)")
    for p in problems:
        print(f"  - {p}")
    sys.exit(1)
print(
    f"standards: DCAT-AP 3 conforms (pyshacl, official shapes) for the catalog in Turtle, "
    f"JSON-LD and RDF/XML and {len(names)} datasets; {packages} data packages ({resources} "
    f"resources) valid for frictionless; schema.org JSON-LD read by extruct on {len(names)} "
    f"dataset pages and the home page; DCAT-US 1.1: {len(us_datasets)} datasets, /data.json "
    f"valid (jsonschema, data.gov's non-federal POD v1.1 schema)"
)
