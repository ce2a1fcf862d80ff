//! Saved views: a chart or map of a resource's table kept with the dataset, shown on its
//! page when featured and embeddable. Its parameters are always checked against the table
//! it draws, as drawing it would check them, and kept as the chart builder would write
//! them; whichever door saves it.

use ceiba_core::Resource;
use ceiba_query::TableSpec;
use ceiba_store::{now, SavedView};
use uuid::Uuid;

use serde_json::json;

use crate::activity::on_dataset;
use crate::charts::{chart_query, spec_from};
use crate::{Actor, Error, Portal, Reason};

/// Longest title and description kept, in characters.
pub const MAX_VIEW_TITLE: usize = 200;
pub const MAX_VIEW_DESCRIPTION: usize = 2_000;

/// A view to save.
#[derive(Debug, Clone, Default)]
pub struct ViewInput {
    /// Empty: the resource's name.
    pub title: String,
    pub description: String,
    /// `ceiba_chart` when not given.
    pub view_type: Option<String>,
    /// The chart's parameters, as in the builder's address.
    pub params: Vec<(String, String)>,
    pub featured: bool,
}

/// What to change of a saved view; `None` keeps it.
#[derive(Debug, Clone, Default)]
pub struct ViewChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub params: Option<Vec<(String, String)>>,
    pub featured: Option<bool>,
}

fn clip(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}

impl Portal {
    /// Saves a chart of resource `resource_id` (of `dataset`, when given) as a view of its
    /// dataset, after the last one.
    pub async fn save_view(
        &self,
        actor: &Actor,
        dataset: Option<&str>,
        resource_id: &str,
        input: ViewInput,
    ) -> Result<SavedView, Error> {
        let (r, d) = self.editable_resource(actor, dataset, resource_id).await?;
        let spec = self.checked_spec(&r, &input.params).await?;
        let title = match clip(&input.title, MAX_VIEW_TITLE) {
            t if t.is_empty() => r.name.clone(),
            t => t,
        };
        let t = now();
        let view = SavedView {
            id: Uuid::new_v4(),
            resource_id: r.id,
            dataset_id: d.id,
            title,
            description: clip(&input.description, MAX_VIEW_DESCRIPTION),
            view_type: input.view_type.unwrap_or_else(|| "ceiba_chart".into()),
            spec,
            featured: input.featured,
            position: self.catalog().views_of_dataset(d.id).await?.len() as i64,
            created: t,
            modified: t,
        };
        self.catalog().create_view(&view).await?;
        let mut a = on_dataset(actor, "view_create", &d, json!({ "title": view.title }));
        a.object_id = Some(view.id);
        self.record(a).await;
        Ok(view)
    }

    /// Changes saved view `id`; new parameters are checked as a new view's are.
    pub async fn change_view(
        &self,
        actor: &Actor,
        id: &str,
        change: ViewChange,
    ) -> Result<SavedView, Error> {
        let (mut v, _) = self.editable_view(actor, id).await?;
        if let Some(t) = change.title {
            let t = clip(&t, MAX_VIEW_TITLE);
            if t.is_empty() {
                return Err(Error::invalid("title", Reason::Missing));
            }
            v.title = t;
        }
        if let Some(d) = change.description {
            v.description = clip(&d, MAX_VIEW_DESCRIPTION);
        }
        if let Some(params) = change.params {
            let r = self
                .catalog()
                .resource(&v.resource_id.to_string())
                .await?
                .ok_or(Error::NotFound(crate::Thing::Resource))?;
            v.spec = self.checked_spec(&r, &params).await?;
        }
        if let Some(f) = change.featured {
            v.featured = f;
        }
        v.modified = now();
        self.catalog().update_view(&v).await?;
        Ok(v)
    }

    /// Deletes saved view `id`; returns what it was.
    pub async fn delete_view(&self, actor: &Actor, id: &str) -> Result<SavedView, Error> {
        let (v, d) = self.editable_view(actor, id).await?;
        self.catalog().delete_view(v.id).await?;
        let mut a = on_dataset(actor, "view_delete", &d, json!({ "title": v.title }));
        a.object_id = Some(v.id);
        self.record(a).await;
        Ok(v)
    }

    /// The spec kept for a chart of `r`'s table in service: the parameters as the builder
    /// would draw them (unknown ones dropped, what is left out suggested), refused when
    /// drawing them would fail.
    async fn checked_spec(
        &self,
        r: &Resource,
        params: &[(String, String)],
    ) -> Result<String, Error> {
        let refuse = |reason| Error::invalid("config", reason);
        let version = r
            .current_version_id
            .ok_or_else(|| refuse(Reason::NoTable))?;
        let tables = self.catalog().tables_of(version).await?;
        let asked = params.iter().find(|(k, _)| k == "table").map(|(_, v)| v);
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        let table = ceiba_query::table_index(params, &names)
            .ok()
            .and_then(|i| tables.get(i))
            .ok_or_else(|| match asked {
                Some(t) => refuse(Reason::UnknownTable(t.clone())),
                None => refuse(Reason::NoTable),
            })?;
        let spec = spec_from(params, table);
        chart_query(&spec, &TableSpec::from(table), &self.query_limits).map_err(|e| {
            refuse(Reason::Chart {
                es: e.message(ceiba_core::Lang::Es),
                en: e.message(ceiba_core::Lang::En),
            })
        })?;
        let mut kept = spec.to_pairs();
        if let Some(t) = asked {
            kept.push(("table".into(), t.clone()));
        }
        Ok(serde_json::json!({ "params": kept }).to_string())
    }
}
