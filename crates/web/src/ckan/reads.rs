//! The read actions: catalog listings, `package_search` on the search index, records by id.

use std::sync::Arc;

use ceiba_core::access::Audience;
use ceiba_core::licence::LICENCES;
use ceiba_core::{Dataset, DatasetState, Licence};
use ceiba_search::{FacetField, SearchRequest, Sort};
use ceiba_store::{DatasetFilter, DatasetSort};
use serde_json::{json, Map, Value};

use super::answer::Answer;
use super::dicts::{self, Related};
use super::{cache, Call, CkanError, CKAN_VERSION};

/// Largest `rows` of `package_search` (CKAN's `ckan.search.rows_max`).
const ROWS_MAX: i64 = 1_000;
/// Largest page of the list actions.
const LIST_MAX: i64 = 1_000;

pub async fn status_show(call: &Call<'_>) -> Result<Value, CkanError> {
    Ok(json!({
        "ckan_version": CKAN_VERSION,
        "site_title": call.state.config.site_name,
        "site_description": "",
        "site_url": call.site,
        "locale_default": "es",
        "extensions": ["datastore", "ceiba"],
    }))
}

async fn datasets_page(
    call: &Call<'_>,
    sort: DatasetSort,
    default_limit: i64,
) -> Result<Vec<Dataset>, CkanError> {
    let p = &call.params;
    let limit = p.int("limit", default_limit, 0, LIST_MAX)?;
    let offset = p.int("offset", 0, 0, i64::MAX)?;
    let page = call
        .state
        .catalog
        .datasets(&DatasetFilter {
            sort,
            limit,
            offset,
            ..Default::default()
        })
        .await?;
    Ok(page.items)
}

pub async fn package_list(call: &Call<'_>) -> Result<Value, CkanError> {
    let names: Vec<String> = datasets_page(call, DatasetSort::Name, LIST_MAX)
        .await?
        .into_iter()
        .map(|d| d.name)
        .collect();
    Ok(json!(names))
}

pub async fn current_package_list_with_resources(call: &Call<'_>) -> Result<Value, CkanError> {
    let datasets = datasets_page(call, DatasetSort::Modified, 10).await?;
    let rel = Related::load(&call.state.catalog, &datasets).await?;
    Ok(Value::Array(
        datasets
            .iter()
            .map(|d| dicts::package(d, &rel, &call.site))
            .collect(),
    ))
}

pub async fn package_show(call: &Call<'_>) -> Result<Answer, CkanError> {
    let id = call.params.required("id")?;
    let not_found = || CkanError::NotFound("Dataset not found".into());
    let (uuid, seq) = call
        .state
        .catalog
        .dataset_change(&id)
        .await?
        .ok_or_else(not_found)?;
    let seqs = std::collections::HashMap::from([(uuid, seq)]);
    let (d, dict) = cache::packages_at(call.state, &call.site, &[uuid], &seqs)
        .await?
        .pop()
        .ok_or_else(not_found)?;
    may_read(call, &d)?;
    Ok(Answer::Package(dict))
}

/// Whether the viewer may read the dataset. A dataset the viewer may not see answers
/// 404 as if it did not exist (CKAN answers 403 for a private one, which tells that it
/// exists and, before, its id).
fn may_read(call: &Call<'_>, d: &Dataset) -> Result<(), CkanError> {
    if call.viewer.may_see(d) {
        Ok(())
    } else {
        Err(CkanError::NotFound("Dataset not found".into()))
    }
}

/// The dataset `id` (name or id) if the viewer may see it, else 404.
pub async fn visible(call: &Call<'_>, id: &str) -> Result<Dataset, CkanError> {
    match call.state.catalog.dataset(id).await? {
        Some(d) => may_read(call, &d).map(|()| d),
        None => Err(CkanError::NotFound("Dataset not found".into())),
    }
}

pub async fn resource_show(call: &Call<'_>) -> Result<Value, CkanError> {
    let id = call.params.required("id")?;
    let r = call
        .state
        .catalog
        .resource(&id)
        .await?
        .ok_or_else(|| CkanError::NotFound("Resource was not found.".into()))?;
    let d = visible(call, &r.dataset_id.to_string()).await?;
    let boundary = call.state.catalog.boundary_set(r.id).await?;
    let mut value = dicts::resource(
        &r,
        &call.site,
        r.current_version_id.is_some(),
        boundary.as_ref(),
    );
    if let Value::Object(m) = &mut value {
        m.insert("package_id".into(), json!(d.id));
    }
    Ok(value)
}

/// Organizations (CKAN's organizations) or categories (CKAN's groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Organization,
    Group,
}

impl Kind {
    fn facet(self) -> FacetField {
        match self {
            Kind::Organization => FacetField::Organization,
            Kind::Group => FacetField::Groups,
        }
    }
    fn word(self) -> &'static str {
        match self {
            Kind::Organization => "organization",
            Kind::Group => "group",
        }
    }
}

/// Public dataset counts per organization or category, from the search index.
fn counts(
    call: &Call<'_>,
    kind: Kind,
) -> Result<std::collections::HashMap<String, u64>, CkanError> {
    let found = call.state.indexer.index().search(&SearchRequest {
        limit: 0,
        facet_limit: usize::MAX,
        viewer: call.viewer.clone(),
        ..Default::default()
    })?;
    Ok(found
        .facets
        .into_iter()
        .filter(|f| f.field == kind.facet())
        .flat_map(|f| f.values)
        .map(|v| (v.value, v.count))
        .collect())
}

struct Listed {
    value: Value,
    name: String,
    title: String,
}

async fn listed(call: &Call<'_>, kind: Kind) -> Result<Vec<Listed>, CkanError> {
    let counts = counts(call, kind)?;
    let site = &call.site;
    Ok(match kind {
        Kind::Organization => call
            .state
            .catalog
            .organizations()
            .await?
            .into_iter()
            .map(|o| {
                let mut value = dicts::organization(&o.item, site, "organization");
                value["package_count"] = json!(counts.get(&o.item.name).copied().unwrap_or(0));
                Listed {
                    value,
                    name: o.item.name,
                    title: o.item.title.es,
                }
            })
            .collect(),
        Kind::Group => call
            .state
            .catalog
            .categories()
            .await?
            .into_iter()
            .map(|c| {
                let mut value = dicts::group(&c.item, site);
                value["package_count"] = json!(counts.get(&c.item.name).copied().unwrap_or(0));
                Listed {
                    value,
                    name: c.item.name,
                    title: c.item.title.es,
                }
            })
            .collect(),
    })
}

pub async fn group_list(call: &Call<'_>, kind: Kind) -> Result<Value, CkanError> {
    let p = &call.params;
    let all_fields = p.bool("all_fields", false)?;
    let limit = p.int("limit", LIST_MAX, 0, LIST_MAX)? as usize;
    let offset = p.int("offset", 0, 0, i64::MAX)? as usize;
    let sort = p.str("sort").unwrap_or_else(|| "title asc".into());
    let mut items = listed(call, kind).await?;
    let key = match kind {
        Kind::Organization => "organizations",
        Kind::Group => "groups",
    };
    if let Some(wanted) = p.list(key)? {
        items.retain(|i| wanted.contains(&i.name));
    }
    let (field, desc) = {
        let mut it = sort.split_whitespace();
        (
            it.next().unwrap_or("title").to_ascii_lowercase(),
            it.next().is_some_and(|d| d.eq_ignore_ascii_case("desc")),
        )
    };
    match field.as_str() {
        "name" => items.sort_by(|a, b| a.name.cmp(&b.name)),
        "package_count" => items.sort_by_key(|i| i.value["package_count"].as_u64().unwrap_or(0)),
        _ => items.sort_by_key(|i| ceiba_core::text::fold(&i.title)),
    }
    if desc {
        items.reverse();
    }
    let page = items.into_iter().skip(offset).take(limit);
    Ok(Value::Array(if all_fields {
        page.map(|i| i.value).collect()
    } else {
        page.map(|i| Value::String(i.name)).collect()
    }))
}

pub async fn group_show(call: &Call<'_>, kind: Kind) -> Result<Value, CkanError> {
    let id = call.params.required("id")?;
    let not_found = || CkanError::NotFound(format!("{} not found", kind.word()));
    let mut value = match kind {
        Kind::Organization => {
            let o = call
                .state
                .catalog
                .organization(&id)
                .await?
                .ok_or_else(not_found)?;
            dicts::organization(&o, &call.site, "organization")
        }
        Kind::Group => {
            let c = call
                .state
                .catalog
                .category(&id)
                .await?
                .ok_or_else(not_found)?;
            dicts::group(&c, &call.site)
        }
    };
    let name = value["name"].as_str().unwrap_or_default().to_owned();
    let found = call.state.indexer.index().search(&SearchRequest {
        filters: vec![(kind.facet(), name.clone())],
        limit: if call.params.bool("include_datasets", false)? {
            ROWS_MAX as usize
        } else {
            0
        },
        facet_limit: 0,
        sort: Sort::Title,
        viewer: call.viewer.clone(),
        ..Default::default()
    })?;
    value["package_count"] = json!(found.total);
    if !found.hits.is_empty() {
        let ids: Vec<uuid::Uuid> = found.hits.iter().map(|h| h.doc.id).collect();
        value["packages"] = Value::Array(
            cache::packages(call.state, &call.site, &ids)
                .await?
                .iter()
                .map(|(_, dict)| Value::clone(dict))
                .collect(),
        );
    }
    // Members only for those who manage the organization (CKAN shows them to anyone;
    // who belongs where is not public here).
    value["users"] = json!([]);
    if kind == Kind::Organization && call.params.bool("include_users", false)? {
        let actor = call.caller.actor();
        if let Ok((_, members)) = call.state.portal.members(&actor, &name).await {
            value["users"] = members
                .iter()
                .map(|(a, role)| {
                    let mut u = dicts::user(a, true);
                    u["capacity"] = json!(role.as_str());
                    u
                })
                .collect();
        }
    }
    value["extras"] = json!([]);
    value["tags"] = json!([]);
    value["groups"] = json!([]);
    Ok(value)
}

pub async fn tag_list(call: &Call<'_>) -> Result<Value, CkanError> {
    let query = call.params.str("query").map(|q| ceiba_core::text::fold(&q));
    let all_fields = call.params.bool("all_fields", false)?;
    let tags = call.state.catalog.tag_counts(100_000).await?;
    let mut names: Vec<String> = tags
        .into_iter()
        .map(|(t, _)| t)
        .filter(|t| {
            query
                .as_deref()
                .is_none_or(|q| ceiba_core::text::fold(t).contains(q))
        })
        .collect();
    names.sort();
    Ok(Value::Array(
        names
            .into_iter()
            .map(|t| {
                if all_fields {
                    json!({
                        "id": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, t.as_bytes()),
                        "name": t,
                        "display_name": t,
                        "vocabulary_id": null,
                    })
                } else {
                    Value::String(t)
                }
            })
            .collect(),
    ))
}

pub fn license_list() -> Value {
    Value::Array(
        LICENCES
            .iter()
            .map(|l: &Licence| {
                json!({
                    "id": l.id,
                    "title": l.title_en,
                    "url": l.url,
                    "od_conformance": if l.open { "approved" } else { "not reviewed" },
                    "osd_conformance": "not reviewed",
                    "status": "active",
                    "maintainer": "",
                    "family": "",
                    "domain_content": false,
                    "domain_data": false,
                    "domain_software": false,
                    "is_generic": false,
                })
            })
            .collect(),
    )
}

/// `fq` and `field:value` words of `q`: the filters CKAN clients send most.
fn filters_from(text: &str, into: &mut Vec<(FacetField, String)>) -> Result<String, CkanError> {
    let mut rest = Vec::new();
    let mut words: Vec<String> = Vec::new();
    // Split on whitespace outside double quotes.
    let mut current = String::new();
    let mut quoted = false;
    for c in text.trim().chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    for word in words {
        let w = word.trim_start_matches('+');
        let Some((field, value)) = w.split_once(':') else {
            rest.push(word);
            continue;
        };
        let value = value.trim_matches('"').to_owned();
        match FacetField::from_param(field) {
            Some(f) => {
                if !value.is_empty() && value != "*" {
                    into.push((f, value));
                }
            }
            None => match field {
                "dataset_type" | "type" | "state" | "capacity" | "site_id" | "+dataset_type" => {}
                "text" | "title" | "name" | "notes" => rest.push(value),
                "-" | "" => rest.push(word),
                _ if field.contains(char::is_whitespace) => rest.push(word),
                _ => return Err(CkanError::SearchQuery(format!("undefined field {field}"))),
            },
        }
    }
    Ok(rest.join(" "))
}

pub async fn package_search(call: &Call<'_>) -> Result<Answer, CkanError> {
    let p = &call.params;
    let mut filters = Vec::new();
    let q = p.str("q").unwrap_or_default();
    let q = if q.trim() == "*:*" {
        String::new()
    } else {
        filters_from(&q, &mut filters)?
    };
    if let Some(fq) = p.str("fq") {
        let left = filters_from(&fq, &mut filters)?;
        if !left.trim().is_empty() {
            return Err(CkanError::SearchQuery(format!(
                "cannot filter by \"{left}\""
            )));
        }
    }
    if let Some(list) = p.list("fq_list")? {
        for fq in list {
            filters_from(&fq, &mut filters)?;
        }
    }
    let rows = p.int("rows", 10, 0, ROWS_MAX)? as usize;
    let start = p.int("start", 0, 0, 100_000)? as usize;
    let sort = match p.str("sort") {
        None => Sort::Relevance,
        Some(s) => Sort::parse(&s)
            .ok_or_else(|| CkanError::SearchQuery(format!("cannot sort by \"{s}\"")))?,
    };
    let facet_fields: Vec<FacetField> = match p.list("facet.field")? {
        None => Vec::new(),
        Some(names) => names
            .iter()
            .map(|n| {
                FacetField::from_param(n)
                    .ok_or_else(|| CkanError::SearchQuery(format!("cannot facet by \"{n}\"")))
            })
            .collect::<Result<_, _>>()?,
    };
    let facet_limit = match p.int("facet.limit", 50, -1, i64::MAX)? {
        n if n < 0 => usize::MAX,
        n => n as usize,
    };
    let include_private = p.bool("include_private", false)?;
    let include_drafts = p.bool("include_drafts", false)?;
    let viewer = if include_private || include_drafts {
        call.viewer.clone()
    } else {
        Audience::Public
    };
    let found = call.state.indexer.index().search(&SearchRequest {
        q,
        filters,
        sort,
        offset: start,
        limit: rows,
        facet_limit: if facet_fields.is_empty() {
            0
        } else {
            facet_limit
        },
        viewer,
        lang: ceiba_core::Lang::Es,
    })?;
    let ids: Vec<uuid::Uuid> = found.hits.iter().map(|h| h.doc.id).collect();
    let results: Vec<Arc<Value>> = cache::packages(call.state, &call.site, &ids)
        .await?
        .into_iter()
        .filter(|(d, _)| include_drafts || d.state != DatasetState::Draft)
        .map(|(_, dict)| dict)
        .collect();
    let mut facets = Map::new();
    let mut search_facets = Map::new();
    for f in &facet_fields {
        let Some(counts) = found.facets.iter().find(|c| c.field == *f) else {
            continue;
        };
        let mut plain = Map::new();
        let mut items = Vec::new();
        for v in &counts.values {
            plain.insert(v.value.clone(), json!(v.count));
            let display = match f {
                FacetField::Organization | FacetField::Groups => call
                    .state
                    .indexer
                    .index()
                    .label(*f, &v.value)
                    .map(|t| t.es)
                    .unwrap_or_else(|| v.value.clone()),
                FacetField::LicenseId => Licence::find(&v.value)
                    .map(|l| l.title_en.to_owned())
                    .unwrap_or_else(|| v.value.clone()),
                _ => v.value.clone(),
            };
            items.push(json!({ "name": v.value, "display_name": display, "count": v.count }));
        }
        facets.insert(f.param().into(), Value::Object(plain));
        search_facets.insert(
            f.param().into(),
            json!({ "title": f.param(), "items": items }),
        );
    }
    let mut head = Map::new();
    head.insert("count".into(), json!(found.total));
    head.insert("sort".into(), json!(sort.ckan()));
    head.insert("facets".into(), Value::Object(facets));
    head.insert("search_facets".into(), Value::Object(search_facets));
    Ok(Answer::Packages { head, results })
}

pub async fn resource_view_list(call: &Call<'_>) -> Result<Value, CkanError> {
    let id = call.params.required("id")?;
    let r = call
        .state
        .catalog
        .resource(&id)
        .await?
        .ok_or_else(|| CkanError::NotFound("Resource was not found.".into()))?;
    visible(call, &r.dataset_id.to_string()).await?;
    Ok(Value::Array(
        call.state
            .catalog
            .views_of_resource(r.id)
            .await?
            .iter()
            .map(|v| super::writes::view_dict(v, &call.site))
            .collect(),
    ))
}

pub async fn resource_view_show(call: &Call<'_>) -> Result<Value, CkanError> {
    let id = call.params.required("id")?;
    let v = match uuid::Uuid::parse_str(&id) {
        Ok(u) => call.state.catalog.view(u).await?,
        Err(_) => None,
    }
    .ok_or_else(|| CkanError::NotFound("View not found".into()))?;
    visible(call, &v.dataset_id.to_string()).await?;
    Ok(super::writes::view_dict(&v, &call.site))
}

/// `user_list`: every account, for sysadmins (e-mails included).
pub async fn user_list(call: &Call<'_>) -> Result<Value, CkanError> {
    let accounts = call
        .state
        .portal
        .accounts(&call.caller.actor())
        .await
        .map_err(|e| CkanError::from_portal(e, call))?;
    Ok(Value::Array(
        accounts.iter().map(|a| dicts::user(a, true)).collect(),
    ))
}
