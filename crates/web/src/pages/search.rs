//! The dataset search page, `/dataset`, with CKAN's parameters (`q`, `organization`,
//! `groups`, `tags`, `res_format`, `license_id`, `sort`, `page`) plus `year`: results with
//! highlighted snippets, facets that combine, and help instead of errors.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use ceiba_core::access::Audience;
use ceiba_core::{Lang, Licence};
use ceiba_search::{FacetField, Hit, SearchRequest, SearchResults, Sort};
use minijinja::context;
use serde::Serialize;

use super::render;
use crate::context::PageCtx;
use crate::http::query_pairs;
use crate::http::query_string;
use crate::{PageError, SharedState};

pub const PAGE_SIZE: usize = 20;
/// Values listed per facet.
const FACET_VALUES: usize = 12;
/// Most facet filters one request may combine.
const MAX_FILTERS: usize = 20;
/// Deepest page (past it the page says so).
const MAX_PAGE: usize = 5_000;

/// The request a page's query parameters describe.
pub fn request(pairs: &[(String, String)], lang: Lang, viewer: Audience) -> (SearchRequest, usize) {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, v)| key == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    };
    let page = get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_PAGE);
    let mut filters = Vec::new();
    for (k, v) in pairs {
        if let Some(f) = FacetField::from_param(k) {
            let v = v.trim();
            if !v.is_empty() && !filters.contains(&(f, v.to_owned())) && filters.len() < MAX_FILTERS
            {
                filters.push((f, v.to_owned()));
            }
        }
    }
    let req = SearchRequest {
        q: get("q").unwrap_or("").to_owned(),
        filters,
        sort: get("sort").and_then(Sort::parse).unwrap_or_default(),
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
        facet_limit: FACET_VALUES,
        viewer,
        lang,
    };
    (req, page)
}

/// `base?pairs`, with every pair escaped.
fn href(base: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return base.to_owned();
    }
    format!("{base}?{}", query_string(pairs))
}

/// The parameters that describe the search, without the page number.
fn search_pairs(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter(|(k, v)| k != "page" && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.trim().to_owned()))
        .collect()
}

fn with_page(pairs: &[(String, String)], page: usize) -> Vec<(String, String)> {
    let mut p = pairs.to_vec();
    if page > 1 {
        p.push(("page".into(), page.to_string()));
    }
    p
}

#[derive(Debug, Serialize)]
struct MatchView {
    label: &'static str,
    html: String,
}

#[derive(Debug, Serialize)]
struct HitView {
    name: String,
    title_html: String,
    description_html: String,
    matches: Vec<MatchView>,
    organization: String,
    formats: Vec<String>,
    modified: String,
    private: bool,
    draft: bool,
}

fn hit_view(lang: Lang, h: &Hit) -> HitView {
    use ceiba_search::MatchField as M;
    HitView {
        name: h.doc.name.clone(),
        title_html: h.highlights.title.clone(),
        description_html: h.highlights.description.clone(),
        matches: h
            .highlights
            .matches
            .iter()
            .filter(|m| m.field != M::Description)
            .map(|m| MatchView {
                label: match m.field {
                    M::Description => "match-description",
                    M::Tags => "match-tags",
                    M::Categories => "match-categories",
                    M::Organization => "match-organization",
                    M::Resources => "match-resources",
                    M::Columns => "match-columns",
                    M::Values => "match-values",
                },
                html: m.html.clone(),
            })
            .collect(),
        organization: h.doc.organization.title.get(lang).to_owned(),
        formats: h.doc.formats.clone(),
        modified: crate::format::datetime(lang, h.doc.modified),
        private: h.doc.private,
        draft: h.doc.state == ceiba_core::DatasetState::Draft,
    }
}

#[derive(Debug, Serialize)]
struct FacetValueView {
    value: String,
    label: String,
    count: u64,
    selected: bool,
    url: String,
}

#[derive(Debug, Serialize)]
struct FacetView {
    param: &'static str,
    label: String,
    values: Vec<FacetValueView>,
}

#[derive(Debug, Serialize)]
struct ActiveFilter {
    facet: String,
    label: String,
    remove_url: String,
}

fn facet_label_key(f: FacetField) -> &'static str {
    match f {
        FacetField::Groups => "facet-groups",
        FacetField::Organization => "facet-organization",
        FacetField::Tags => "facet-tags",
        FacetField::ResFormat => "facet-res-format",
        FacetField::LicenseId => "facet-license-id",
        FacetField::Year => "facet-year",
        FacetField::Territory => "facet-territory",
    }
}

/// How a facet value is shown: titles for publishers, categories and licences.
fn value_label(state: &SharedState, lang: Lang, f: FacetField, value: &str) -> String {
    match f {
        FacetField::Organization | FacetField::Groups => state
            .indexer
            .index()
            .label(f, value)
            .map(|t| t.get(lang).to_owned())
            .unwrap_or_else(|| value.to_owned()),
        FacetField::LicenseId => Licence::find(value)
            .map(|l| l.title(lang).to_owned())
            .unwrap_or_else(|| value.to_owned()),
        FacetField::Territory => match ceiba_core::territory::resolve(value) {
            Some(ceiba_core::territory::Territory::Country) => match lang {
                Lang::Es => "Todo el país".to_owned(),
                Lang::En => "Whole country".to_owned(),
            },
            Some(ceiba_core::territory::Territory::Department(_, name)) => name.to_owned(),
            _ => value.to_owned(),
        },
        _ => value.to_owned(),
    }
}

fn facets(
    state: &SharedState,
    ctx: &PageCtx,
    base: &str,
    pairs: &[(String, String)],
    req: &SearchRequest,
    results: &SearchResults,
) -> (Vec<FacetView>, Vec<ActiveFilter>) {
    let t = |key: &str| state.i18n.t(ctx.lang, key, &[]);
    let toggle = |f: FacetField, value: &str, selected: bool| {
        let mut p = pairs.to_vec();
        if selected {
            p.retain(|(k, v)| !(k == f.param() && v == value));
        } else {
            p.push((f.param().to_owned(), value.to_owned()));
        }
        href(base, &p)
    };
    let views = results
        .facets
        .iter()
        .map(|counts| {
            let f = counts.field;
            let mut values: Vec<FacetValueView> = counts
                .values
                .iter()
                .map(|v| {
                    let selected = req.filters.iter().any(|(ff, fv)| {
                        *ff == f
                            && (fv == &v.value
                                || (f == FacetField::ResFormat
                                    && fv.eq_ignore_ascii_case(&v.value)))
                    });
                    FacetValueView {
                        label: value_label(state, ctx.lang, f, &v.value),
                        count: v.count,
                        selected,
                        url: toggle(f, &v.value, selected),
                        value: v.value.clone(),
                    }
                })
                .collect();
            // A selected value matching nothing is still listed, so it can be removed.
            for (ff, fv) in &req.filters {
                if *ff == f
                    && !values
                        .iter()
                        .any(|v| v.selected && v.value.eq_ignore_ascii_case(fv))
                {
                    values.insert(
                        0,
                        FacetValueView {
                            label: value_label(state, ctx.lang, f, fv),
                            count: 0,
                            selected: true,
                            url: toggle(f, fv, true),
                            value: fv.clone(),
                        },
                    );
                }
            }
            if f == FacetField::Year {
                values.sort_by(|a, b| b.value.cmp(&a.value));
            }
            FacetView {
                param: f.param(),
                label: t(facet_label_key(f)),
                values,
            }
        })
        .filter(|f| !f.values.is_empty())
        .collect();
    let active = req
        .filters
        .iter()
        .map(|(f, v)| ActiveFilter {
            facet: t(facet_label_key(*f)),
            label: value_label(state, ctx.lang, *f, v),
            remove_url: toggle(*f, v, true),
        })
        .collect();
    (views, active)
}

pub async fn list(
    State(state): State<SharedState>,
    ctx: PageCtx,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs = query_pairs(query.as_deref());
    let page = async {
        let (req, page) = request(&pairs, ctx.lang, ctx.visitor.viewer());
        let results = state
            .indexer
            .index()
            .search(&req)
            .map_err(|e| PageError::Internal(e.to_string()))?;
        let base = format!("{}/dataset", ctx.base());
        let kept = search_pairs(&pairs);
        let pages = results.total.div_ceil(PAGE_SIZE).max(1);
        let (facet_views, active) = facets(&state, &ctx, &base, &kept, &req, &results);
        let mut numbers: Vec<usize> = vec![1, page.saturating_sub(1), page, page + 1, pages];
        numbers.retain(|n| (1..=pages).contains(n));
        numbers.sort_unstable();
        numbers.dedup();
        let page_links: Vec<_> = numbers
            .into_iter()
            .map(|n| context! { number => n, url => href(&base, &with_page(&kept, n)), current => n == page })
            .collect();
        let sort_key = |s: Sort| match s {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Modified => "modified",
            Sort::Title => "title",
            Sort::Views => "views",
        };
        let without_sort: Vec<(String, String)> =
            kept.iter().filter(|(k, _)| k != "sort" && k != "q").cloned().collect();
        Ok::<_, PageError>(context! {
            q => req.q,
            total => results.total,
            relaxed => results.relaxed,
            hits => results.hits.iter().map(|h| hit_view(ctx.lang, h)).collect::<Vec<_>>(),
            facets => facet_views,
            active => active,
            hidden => without_sort,
            clear_url => (!req.filters.is_empty()).then(|| href(&base, &kept.iter().filter(|(k, _)| k == "q" || k == "sort").cloned().collect::<Vec<_>>())),
            sort => sort_key(req.sort),
            sorts => Sort::ALL.iter().map(|s| context! { value => sort_key(*s), label => state.i18n.t(ctx.lang, &format!("sort-{}", sort_key(*s)), &[]) }).collect::<Vec<_>>(),
            page => page,
            pages => pages,
            past_end => results.hits.is_empty() && results.total > 0,
            first_page_url => href(&base, &kept),
            page_links => page_links,
            previous_url => (page > 1 && page <= pages).then(|| href(&base, &with_page(&kept, page - 1))),
            next_url => (page < pages).then(|| href(&base, &with_page(&kept, page + 1))),
        })
    }
    .await;
    render(&state, &ctx, "datasets.html", page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        query_pairs(Some(q))
    }

    #[test]
    fn parameters_become_a_request() {
        let (r, page) = request(
            &pairs(
                "q=pobreza&tags=a&tags=b&tags=a&res_format=csv&sort=title_string+asc&page=3&x=1",
            ),
            Lang::Es,
            Audience::Public,
        );
        assert_eq!(r.q, "pobreza");
        assert_eq!(
            r.filters,
            vec![
                (FacetField::Tags, "a".into()),
                (FacetField::Tags, "b".into()),
                (FacetField::ResFormat, "csv".into())
            ]
        );
        assert_eq!(r.sort, Sort::Title);
        assert_eq!((page, r.offset), (3, 40));
        let (r, page) = request(&pairs("page=-2&sort=nonsense"), Lang::Es, Audience::Public);
        assert_eq!((page, r.sort), (1, Sort::Relevance));
        let (_, page) = request(
            &pairs("page=99999999999999999999"),
            Lang::Es,
            Audience::Public,
        );
        assert_eq!(page, 1);
    }

    #[test]
    fn links_escape_values() {
        assert_eq!(
            href("/dataset", &[("q".into(), "a&b \"c\"".into())]),
            "/dataset?q=a%26b%20%22c%22"
        );
    }
}
