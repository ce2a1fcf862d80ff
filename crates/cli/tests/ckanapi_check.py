"""Drives a running Ceiba with the real `ckanapi` client (module and command line), as
CKAN users' scripts do. Usage: ckanapi_check.py SITE_URL API_TOKEN WORK_DIR

Prints one line per check and exits non-zero at the first failure."""

import json
import os
import subprocess
import sys
import time

import ckanapi

site, token, work = sys.argv[1], sys.argv[2], sys.argv[3]
anon = ckanapi.RemoteCKAN(site, user_agent="ceiba-ckanapi-check/1")
ckan = ckanapi.RemoteCKAN(site, apikey=token, user_agent="ceiba-ckanapi-check/1")


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + (": " + str(detail) if detail and not ok else ""))
    if not ok:
        sys.exit(1)


def cli(*args):
    out = subprocess.run(
        ["ckanapi", "action", *args, "-r", site, "-a", token],
        capture_output=True, text=True, timeout=120,
    )
    check("ckanapi " + args[0] + " (command line)", out.returncode == 0, out.stderr + out.stdout)
    return json.loads(out.stdout)


# Reads: every action of the issue, anonymously.
status = anon.action.status_show()
check("status_show", status["ckan_version"].startswith("2."), status)
check("site_read", anon.action.site_read() is True)
names = anon.action.package_list()
check("package_list", "ranking-gestion-municipal" in names, names)
current = anon.action.current_package_list_with_resources(limit=3)
check("current_package_list_with_resources", len(current) == 3 and "resources" in current[0], current)
found = anon.action.package_search(q="gestion municipal", rows=5, fq="organization:segeplan",
                                   **{"facet.field": ["organization", "tags", "res_format"]})
check("package_search", found["count"] >= 1 and found["results"][0]["name"] == "ranking-gestion-municipal", found["count"])
check("package_search facets", found["search_facets"]["organization"]["items"][0]["name"] == "segeplan", found["search_facets"])
pkg = anon.action.package_show(id="ranking-gestion-municipal")
check("package_show", pkg["organization"]["name"] == "segeplan" and pkg["num_resources"] >= 1, pkg["name"])
table = next(r for r in pkg["resources"] if r["datastore_active"])
res = anon.action.resource_show(id=table["id"])
check("resource_show", res["package_id"] == pkg["id"], res)
orgs = anon.action.organization_list(all_fields=True)
check("organization_list", any(o["name"] == "segeplan" and o["package_count"] > 0 for o in orgs), orgs)
org = anon.action.organization_show(id="segeplan", include_datasets=True)
check("organization_show", org["package_count"] == len(org["packages"]) > 0, org["package_count"])
groups = anon.action.group_list()
check("group_list", len(groups) >= 1, groups)
group = anon.action.group_show(id=groups[0])
check("group_show", group["name"] == groups[0], group)
check("tag_list", len(anon.action.tag_list()) > 0)
check("license_list", any(l["id"] == "CC-BY-4.0" for l in anon.action.license_list()))
rows = anon.action.datastore_search(resource_id=table["id"], limit=5)
check("datastore_search", rows["total"] > 0 and len(rows["records"]) == 5 and rows["fields"][0]["id"] == "_id", rows["total"])
sql = anon.action.datastore_search_sql(sql='SELECT COUNT(*) AS n FROM "%s"' % table["id"])
check("datastore_search_sql", sql["records"][0]["n"] == rows["total"], sql)
try:
    anon.action.package_show(id="no-existe")
    check("NotFound raised", False)
except ckanapi.NotFound:
    check("NotFound raised", True)
try:
    anon.action.package_create(name="sin-permiso", owner_org="segeplan")
    check("NotAuthorized raised", False)
except ckanapi.NotAuthorized:
    check("NotAuthorized raised", True)
try:
    ckan.action.package_create(name="Nombre Invalido", owner_org="segeplan")
    check("ValidationError raised", False)
except ckanapi.ValidationError as e:
    check("ValidationError raised", "name" in e.error_dict, e.error_dict)

# Writes through the Python module: a dataset and an upload.
csv_path = os.path.join(work, "proyectos snip.csv")
with open(csv_path, "wb") as f:
    f.write("snip;municipio;monto\r\n000101;Mixco;1500000,50\r\n000102;Huehuetenango;2500000\r\n".encode("cp1252"))
created = ckan.action.package_create(
    name="proyectos-ckanapi", title="Proyectos desde ckanapi", owner_org="segeplan",
    license_id="cc-by-4.0", tags=[{"name": "inversión"}], notes="Creado con el cliente ckanapi.")
check("package_create (module)", created["name"] == "proyectos-ckanapi", created)
with open(csv_path, "rb") as f:
    uploaded = ckan.action.resource_create(package_id=created["id"], name="Proyectos", upload=f)
check("resource_create with upload (module)", uploaded["url_type"] == "upload", uploaded)

# The same through the command line.
made = cli("package_create", "name=proyectos-cli", "title=Proyectos desde la línea de comandos", "owner_org=segeplan")
check("package_create (command line)", made["name"] == "proyectos-cli", made)
cli_res = cli("resource_create", "package_id=proyectos-cli", "name=Proyectos", "upload@" + csv_path)
check("resource_create with upload (command line)", cli_res["url_type"] == "upload", cli_res)

# Ingestion runs in the background; datastore_search answers once it is done.
for rid, label in [(uploaded["id"], "module"), (cli_res["id"], "command line")]:
    deadline = time.time() + 120
    while True:
        try:
            got = anon.action.datastore_search(resource_id=rid, sort="monto desc")
            break
        except ckanapi.NotFound:
            if time.time() > deadline:
                check("datastore_search on the new resource (%s)" % label, False, "not ingested in 120 s")
            time.sleep(0.5)
    check("datastore_search on the new resource (%s)" % label,
          got["total"] == 2 and got["records"][0]["snip"] == "000102" and got["records"][0]["municipio"] == "Huehuetenango",
          got)
print("all ckanapi checks passed")
