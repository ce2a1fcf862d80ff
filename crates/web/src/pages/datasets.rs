use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use ceiba_core::Dataset;
use ceiba_store::DatasetFilter;
use minijinja::context;
use serde::Serialize;

use super::{page_number, render};
use crate::context::PageCtx;
use crate::http::percent_encode;
use crate::session::Visitor;
use crate::view_models::{DatasetCard, DatasetView, ResourceView, TableView, VersionView};
use crate::{PageError, SharedState};

pub const PAGE_SIZE: i64 = 20;

/// Finds a dataset an anonymous visitor may see, by name or id.
pub async fn visible_dataset(state: &SharedState, name: &str) -> Result<Dataset, PageError> {
    dataset_for(state, &Visitor::default(), name).await
}

/// Finds a dataset the visitor may see (members see their organization's private ones
/// and drafts), by name or id.
pub async fn dataset_for(
    state: &SharedState,
    visitor: &Visitor,
    name: &str,
) -> Result<Dataset, PageError> {
    match state.catalog.dataset(name).await? {
        Some(d) if visitor.may_see(&d) => Ok(d),
        _ => Err(PageError::not_found("notfound-dataset", name)),
    }
}

#[derive(Debug, Serialize)]
struct PageLink {
    number: i64,
    url: String,
    current: bool,
}

/// Links to nearby pages, keeping every other parameter.
fn pagination(
    base_url: &str,
    params: &HashMap<String, String>,
    page: i64,
    pages: i64,
) -> Vec<PageLink> {
    let mut numbers: Vec<i64> = vec![1, page - 1, page, page + 1, pages];
    numbers.retain(|n| (1..=pages).contains(n));
    numbers.sort_unstable();
    numbers.dedup();
    numbers
        .into_iter()
        .map(|number| PageLink {
            number,
            url: page_url(base_url, params, number),
            current: number == page,
        })
        .collect()
}

pub fn page_url(base_url: &str, params: &HashMap<String, String>, page: i64) -> String {
    let mut pairs: Vec<(&String, &String)> = params
        .iter()
        .filter(|(k, v)| k.as_str() != "page" && !v.trim().is_empty())
        .collect();
    pairs.sort();
    let mut query: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect();
    if page > 1 {
        query.push(format!("page={page}"));
    }
    if query.is_empty() {
        base_url.to_owned()
    } else {
        format!("{base_url}?{}", query.join("&"))
    }
}

/// A page of datasets with paging; shared by the dataset, organization and group pages.
pub async fn listing(
    state: &SharedState,
    ctx: &PageCtx,
    mut filter: DatasetFilter,
    params: &HashMap<String, String>,
    base_url: &str,
) -> Result<minijinja::Value, PageError> {
    let page = page_number(params);
    filter.limit = PAGE_SIZE;
    filter.offset = (page - 1) * PAGE_SIZE;
    let c = &state.catalog;
    let found = c.datasets(&filter).await?;
    let orgs: HashMap<_, _> = c
        .organizations()
        .await?
        .into_iter()
        .map(|o| (o.item.id, o.item))
        .collect();
    let ids: Vec<_> = found.items.iter().map(|d| d.id).collect();
    let formats = c.formats_of(&ids).await?;
    let pages = ((found.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    Ok(context! {
        datasets => found.items.iter().map(|d| DatasetCard::new(ctx.lang, d, &orgs, &formats)).collect::<Vec<_>>(),
        total => found.total,
        page => page,
        pages => pages,
        page_links => pagination(base_url, params, page, pages),
        previous_url => (page > 1).then(|| page_url(base_url, params, page - 1)),
        next_url => (page < pages).then(|| page_url(base_url, params, page + 1)),
    })
}

pub async fn show(
    State(state): State<SharedState>,
    ctx: PageCtx,
    headers: axum::http::HeaderMap,
    Path(name): Path<String>,
) -> Response {
    // `/dataset/{name}.ttl|.jsonld|.rdf`, or an RDF type asked for by content
    // negotiation (and no HTML): its DCAT-AP description.
    if let Some((base, ext)) = name.rsplit_once('.') {
        if matches!(ext, "ttl" | "jsonld" | "rdf") {
            return crate::dcat::dataset_file(&state, &headers, base, ext).await;
        }
    }
    // The same address answers HTML or RDF by `Accept`: caches must keep them apart.
    let vary = |mut r: Response| {
        r.headers_mut().append(
            axum::http::header::VARY,
            axum::http::HeaderValue::from_static("Accept"),
        );
        r
    };
    if let Some(ext) = crate::dcat::negotiated(&headers) {
        return vary(crate::dcat::dataset_file(&state, &headers, &name, ext).await);
    }
    let page = async {
        let d = dataset_for(&state, &ctx.visitor, &name).await?;
        state.visits.count(d.id);
        let Loaded {
            view,
            org,
            resources,
        } = dataset_view(&state, &ctx, &d).await?;
        // What search engines read: for public datasets only.
        let jsonld = crate::structured::describable(&d).then(|| {
            let site = crate::http::site_url(&state, &headers);
            crate::structured::script(&crate::structured::dataset(
                &site,
                &d,
                org.as_ref(),
                &resources,
            ))
        });
        let may_edit = ctx.visitor.may_edit(&d);
        let mut featured = Vec::new();
        let mut managed = Vec::new();
        for v in state.catalog.views_of_dataset(d.id).await? {
            let url = format!("{}/view/{}", ctx.base(), v.id);
            if v.featured {
                let (drawn, _) =
                    super::chart::draw_saved(&state, &v, ctx.lang, &ctx.visitor.viewer()).await?;
                featured.push(context! {
                    id => v.id,
                    title => &v.title,
                    svg => drawn.svg,
                    url => &url,
                });
            }
            if may_edit {
                managed.push(context! {
                    id => v.id,
                    title => &v.title,
                    featured => v.featured,
                    url => &url,
                    manage_url => format!("{}/view/{}/manage", ctx.base(), v.id),
                });
            }
        }
        // The metadata's quality: a badge for everyone, what to do next for its editors.
        let versions: Vec<_> = resources.iter().filter_map(|r| r.current_version_id).collect();
        let tables = state.catalog.tables_of_versions(&versions).await?;
        let preview = preview(&state, ctx.lang, &resources, &view, &tables).await;
        // Rows a territorial profile cannot place, said by their resource.
        let places = state.catalog.place_tables_of_versions(&versions).await?;
        let mut unplaced: HashMap<String, (String, String)> = HashMap::new();
        for r in &resources {
            let of_resource = || places.iter().filter(|t| Some(t.version_id) == r.current_version_id);
            let rows: i64 = of_resource().map(|t| t.unplaced_rows).sum();
            if let Some(t) = of_resource().find(|t| t.unplaced_rows > 0) {
                unplaced.insert(
                    r.id.to_string(),
                    (crate::format::integer(ctx.lang, rows), t.place_column.clone()),
                );
            }
        }
        let columns: Vec<ceiba_core::Column> =
            tables.into_iter().flat_map(|t| t.columns).collect();
        let ids: Vec<uuid::Uuid> = resources.iter().map(|r| r.id).collect();
        let broken: Vec<ceiba_store::LinkCheck> = state
            .catalog
            .link_checks(&ids)
            .await?
            .into_iter()
            .filter(|c| !c.ok)
            .collect();
        let quality = ceiba_core::quality::score(
            &d,
            &resources,
            &columns,
            broken.len(),
            chrono::Utc::now(),
        );
        Ok::<_, PageError>(context! {
            quality => context! {
                met => quality.met(),
                total => quality.total(),
                percent => quality.percent(),
                missing => quality.checks.iter().filter(|c| !c.met).map(|c| c.key).collect::<Vec<_>>(),
            },
            broken_links => broken.iter().filter_map(|c| {
                resources.iter().find(|r| r.id == c.resource_id).map(|r| context! {
                    name => &r.name, message => &c.message,
                })
            }).collect::<Vec<_>>(),
            // Harvested from another catalog: a link back to the original.
            harvested => d.extras.get("harvest_url").filter(|u| u.starts_with("http")).map(|u| context! {
                url => u,
                host => url_host(u),
            }),
            jsonld,
            preview => preview,
            unplaced => unplaced,
            // One date says when the dataset last changed: its description or its data.
            updated => crate::format::date(
                ctx.lang,
                resources
                    .iter()
                    .map(|r| r.modified)
                    .fold(d.modified, std::cmp::max)
                    .date_naive(),
            ),
            dataset => view,
            featured_views => featured,
            managed_views => managed,
            may_edit => may_edit,
        })
    }
    .await;
    vary(render(&state, &ctx, "dataset.html", page))
}

/// Columns and rows the dataset page shows of its first table.
const PREVIEW_COLUMNS: usize = 6;
const PREVIEW_ROWS: u64 = 5;

/// The first rows of the dataset's first table (the first resource with one), with the
/// ways to explore and download it; undefined when it has no table or it cannot be read.
async fn preview(
    state: &SharedState,
    lang: ceiba_core::Lang,
    resources: &[ceiba_core::Resource],
    view: &DatasetView,
    tables: &[ceiba_core::IngestedTable],
) -> minijinja::Value {
    let found = resources.iter().find_map(|r| {
        let v = r.current_version_id?;
        let t = tables
            .iter()
            .filter(|t| t.version_id == v)
            .min_by_key(|t| t.position)?;
        let shown = view.resources.iter().find(|rv| rv.id == r.id.to_string())?;
        Some((t, shown))
    });
    let Some((table, resource)) = found else {
        return minijinja::Value::UNDEFINED;
    };
    let spec = ceiba_query::TableSpec::from(table);
    let columns: Vec<&ceiba_core::Column> = table.columns.iter().take(PREVIEW_COLUMNS).collect();
    let req = ceiba_query::RowsRequest {
        columns: Some(columns.iter().map(|c| c.name.clone()).collect()),
        limit: PREVIEW_ROWS,
        ..Default::default()
    };
    let res = match state.engine.rows(&spec, &req).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "dataset preview");
            return minijinja::Value::UNDEFINED;
        }
    };
    let cells = super::explore::Cells::of(table, lang);
    let rows: Vec<Vec<super::explore::CellView>> = res
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&res.columns)
                .map(|(v, c)| cells.cell(&c.name, c.column_type, v, Some(60)))
                .collect()
        })
        .collect();
    context! {
        resource_name => resource.name.clone(),
        explore_url => format!("{}#explore", resource.page_url),
        download_url => resource.download_url.clone(),
        format => resource.format.clone(),
        size => resource.size.clone(),
        headers => columns.iter().map(|c| context! {
            label => super::explore::heading(c),
            numeric => c.column_type.is_numeric(),
        }).collect::<Vec<_>>(),
        rows => rows,
        rows_total => crate::format::integer(lang, table.rows),
        columns_total => table.columns.len(),
        more_columns => table.columns.len() > PREVIEW_COLUMNS,
    }
}

/// What a dataset's pages show of it, and the records it was built from (read once).
struct Loaded {
    view: DatasetView,
    org: Option<ceiba_core::Organization>,
    resources: Vec<ceiba_core::Resource>,
}

async fn dataset_view(
    state: &SharedState,
    ctx: &PageCtx,
    d: &Dataset,
) -> Result<Loaded, PageError> {
    let c = &state.catalog;
    let org = c.organization(&d.organization_id.to_string()).await?;
    let categories: Vec<_> = c.categories().await?.into_iter().map(|c| c.item).collect();
    let resources = c.resources_of(d.id).await?;
    let view = DatasetView::new(ctx.lang, d, org.as_ref(), &categories, &resources);
    Ok(Loaded {
        view,
        org,
        resources,
    })
}

pub async fn resource(
    State(state): State<SharedState>,
    ctx: PageCtx,
    Path((name, rid)): Path<(String, String)>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let page = async {
        let d = dataset_for(&state, &ctx.visitor, &name).await?;
        let view = dataset_view(&state, &ctx, &d).await?.view;
        let Some(pos) = view.resources.iter().position(|r| r.id == rid) else {
            return Err(PageError::not_found("notfound-resource", rid.clone()));
        };
        let resource: &ResourceView = &view.resources[pos];
        let record = state
            .catalog
            .resource(&rid)
            .await?
            .ok_or_else(|| PageError::not_found("notfound-resource", rid.clone()))?;
        let versions = state.catalog.versions_of(record.id).await?;
        let tables = match record.current_version_id {
            Some(v) => state.catalog.tables_of(v).await?,
            None => Vec::new(),
        };
        let pairs = crate::http::query_pairs(query.as_deref());
        let explorer = if tables.is_empty() {
            minijinja::Value::UNDEFINED
        } else {
            super::explore::explorer(&state, ctx.lang, &resource.page_url, &rid, &tables, &pairs)
                .await
        };
        let shown = ceiba_query::table_index(
            &pairs,
            &tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        )
        .unwrap_or(0);
        let mut table_views: Vec<TableView> =
            tables.iter().map(|t| TableView::new(ctx.lang, t)).collect();
        // Rows a territorial profile cannot place (codes that are no territory).
        if let Some(v) = record.current_version_id {
            for p in state.catalog.place_tables_of(v).await? {
                if let Some(view) = usize::try_from(p.position)
                    .ok()
                    .and_then(|i| table_views.get_mut(i))
                    .filter(|_| p.unplaced_rows > 0)
                {
                    view.unplaced = Some((
                        crate::format::integer(ctx.lang, p.unplaced_rows),
                        p.place_column.clone(),
                    ));
                }
            }
        }
        if let (Some(t), Some(view)) = (tables.get(shown), table_views.get_mut(shown)) {
            let spec = ceiba_query::TableSpec::from(t);
            for (c, cv) in t.columns.iter().zip(view.columns.iter_mut()) {
                if c.column_type.is_numeric() && c.stats.distinct > 1 {
                    if let Ok(bins) = state.engine.histogram(&spec, &c.name, 12).await {
                        cv.hist = Some(super::explore::histogram_svg(&bins, c, ctx.lang));
                    }
                }
            }
        }
        let version_views: Vec<VersionView> = versions
            .iter()
            .map(|v| VersionView::new(ctx.lang, &d, &record, v))
            .collect();
        // The newest upload, when it is not the one in service: still processing or failed.
        let latest = version_views.first().filter(|v| !v.current);
        let progress = match versions.first() {
            Some(v) if v.status == ceiba_core::VersionStatus::Pending => {
                state.catalog.job_of_version(v.id).await?.map(|job| {
                    let percent = (job.bytes_read * 100)
                        .checked_div(v.size)
                        .unwrap_or(0)
                        .min(100);
                    context! {
                        rows => crate::format::integer(ctx.lang, job.rows_read),
                        percent => percent,
                        running => job.state == ceiba_core::JobState::Running,
                    }
                })
            }
            _ => None,
        };
        let current = version_views.iter().find(|v| v.current);
        // A boundary set's mark: shown to all, changed by the publisher's editors.
        let boundary = if ceiba_portal::may_be_boundary_file(&record) {
            state.catalog.boundary_set(record.id).await?
        } else {
            None
        };
        let may_mark = ctx.visitor.may_edit(&d) && ceiba_portal::may_be_boundary_file(&record);
        Ok(context! {
            boundary => boundary.map(|b| context! {
                property => b.code_property,
                level => match b.level.as_str() {
                    "department" => "boundary-level-department",
                    _ => "boundary-level-municipality",
                },
            }),
            may_mark => may_mark,
            boundary_url => format!("{}/boundaries", resource.page_url),
            resource => resource,
            dataset => view,
            tables => table_views.get(shown).into_iter().collect::<Vec<_>>(),
            explorer => explorer,
            versions => version_views.iter().collect::<Vec<_>>(),
            latest => latest,
            current => current,
            progress => progress,
        })
    }
    .await;
    render(&state, &ctx, "resource.html", page)
}

/// The host of an address, for "harvested from …".
fn url_host(url: &str) -> &str {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(url)
}
