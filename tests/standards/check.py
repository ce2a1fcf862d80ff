#!/usr/bin/env python3
"""The demo catalog's open-data outputs, read by independent tools against a running
portal: the DCAT-AP 3 catalog (Turtle, JSON-LD, RDF/XML) and every dataset's Turtle
validated by `pyshacl` against the official shapes (this folder), every dataset's
datapackage.json validated by `frictionless` (descriptor and data), and the schema.org
JSON-LD of every dataset page and of the home page read back by `extruct`, as Google
Dataset Search would. Exits non-zero naming each problem.

    python3 tests/standards/check.py http://127.0.0.1:8080
"""
import json
import sys
import urllib.request

import os

import extruct
from frictionless import Package
from pyshacl import validate as shacl_validate
from rdflib import Graph

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

if problems:
    print(f"standards: {len(problems)} problem(s)")
    for p in problems:
        print(f"  - {p}")
    sys.exit(1)
print(
    f"standards: DCAT-AP 3 conforms (pyshacl, official shapes) for the catalog in Turtle, "
    f"JSON-LD and RDF/XML and {len(names)} datasets; {packages} data packages ({resources} "
    f"resources) valid for frictionless; schema.org JSON-LD read by extruct on {len(names)} "
    f"dataset pages and the home page"
)
