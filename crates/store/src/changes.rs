//! What a search index needs to follow the catalog: a change sequence, view counts and a
//! request to rebuild.
//!
//! Every write that changes what a dataset shows stamps the dataset with the next number
//! of the catalog-wide counter `change`, inside the write's own transaction. An index
//! remembers the highest number it has applied and asks [`Catalog::changed_since`] for
//! what came after; this works the same for every node sharing one PostgreSQL database.

use std::collections::{BTreeMap, HashMap};

use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::sql::{uuid, Sql, IN_CHUNK};
use crate::{Catalog, Result, StoreError};

/// Stamps dataset `id` with the next change number, inside the caller's transaction.
/// Returns whether the dataset exists (nothing is counted when it does not).
///
/// Why a poller reading `change_seq > last` never misses a change: the counter row stays
/// locked from the increment until the transaction ends (SQLite locks the whole database
/// for a writer). So only one open transaction holds a number at a time, and it is higher
/// than every committed one; numbers therefore commit in increasing order, and once a
/// poller has seen number `n` every number below `n` is committed and visible too. A
/// rolled-back transaction leaves a gap, never a late arrival.
///
/// Call it last in the transaction, after every other row it writes. It locks the
/// dataset's row before the counter, so a transaction holding the counter waits for no
/// other lock and writers cannot deadlock over it; and the counter is held briefly.
pub(crate) async fn mark_changed(tx: &mut Transaction<'_, Any>, id: Uuid) -> Result<bool> {
    let id = id.to_string();
    let found = sqlx::query("UPDATE dataset SET change_seq = change_seq WHERE id = $1")
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    if found.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE catalog_counter SET value = value + 1 WHERE name = 'change'")
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE dataset SET change_seq = \
         (SELECT value FROM catalog_counter WHERE name = 'change') WHERE id = $1",
    )
    .bind(&id)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Stamps every dataset in `ids` with a change number of its own (see `mark_changed`),
/// for a write that changes what all of them show (a publisher's or category's title).
/// Locks all their rows, in id order, before it takes the counter.
pub(crate) async fn mark_all_changed(tx: &mut Transaction<'_, Any>, ids: &[Uuid]) -> Result<()> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for id in &ids {
        sqlx::query("UPDATE dataset SET change_seq = change_seq WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?;
    }
    for id in ids {
        mark_changed(tx, id).await?;
    }
    Ok(())
}

impl Catalog {
    async fn counter(&self, name: &str) -> Result<i64> {
        let row = sqlx::query("SELECT value FROM catalog_counter WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(row.try_get("value")?),
            None => Err(StoreError::Corrupt {
                column: "catalog_counter.name",
                value: format!("missing '{name}'"),
            }),
        }
    }

    /// The latest change number handed out (0 before any change).
    pub async fn change_seq(&self) -> Result<i64> {
        self.counter("change").await
    }

    /// Datasets (in any state) changed after change number `seq`, with their change
    /// numbers, in increasing order; at most `limit` of them. Continue from the last
    /// number returned.
    pub async fn changed_since(&self, seq: i64, limit: i64) -> Result<Vec<(Uuid, i64)>> {
        let rows = sqlx::query(
            "SELECT id, change_seq FROM dataset WHERE change_seq > $1 \
             ORDER BY change_seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((uuid(row, "id")?, row.try_get("change_seq")?)))
            .collect()
    }

    /// The ids of every dataset not deleted (drafts and private ones included).
    pub async fn dataset_ids(&self) -> Result<Vec<Uuid>> {
        let rows = sqlx::query("SELECT id FROM dataset WHERE state <> 'deleted' ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| uuid(row, "id")).collect()
    }

    /// The change number of each of `ids` (any state); ids not in the catalog are left
    /// out. What a cache of anything derived from a dataset compares against.
    pub async fn change_seqs(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, i64>> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_CHUNK) {
            let mut q = Sql::new("SELECT id, change_seq FROM dataset WHERE id IN ");
            q.bind_list(chunk);
            for row in q.query().fetch_all(&self.pool).await? {
                out.insert(uuid(&row, "id")?, row.try_get("change_seq")?);
            }
        }
        Ok(out)
    }

    /// The id and change number of the dataset with CKAN's name-or-id `name_or_id` (an
    /// id when the text is a UUID, else a name).
    pub async fn dataset_change(&self, name_or_id: &str) -> Result<Option<(Uuid, i64)>> {
        let (column, value) = ceiba_core::Lookup::parse(name_or_id).column_and_value();
        let row = sqlx::query(&format!(
            "SELECT id, change_seq FROM dataset WHERE {column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((uuid(&row, "id")?, row.try_get("change_seq")?)))
            .transpose()
    }

    /// How many times each of `ids` was viewed; ids not in the catalog are left out.
    pub async fn dataset_views(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, i64>> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_CHUNK) {
            let mut q = Sql::new("SELECT id, views FROM dataset WHERE id IN ");
            q.bind_list(chunk);
            for row in q.query().fetch_all(&self.pool).await? {
                out.insert(uuid(&row, "id")?, row.try_get("views")?);
            }
        }
        Ok(out)
    }

    /// Adds view counts to datasets, all in one transaction, and marks each dataset
    /// changed so that an index picks up the new counts like any other change. Unknown
    /// datasets and zero counts are skipped.
    pub async fn add_views(&self, counts: &[(Uuid, i64)]) -> Result<()> {
        // Summed per dataset and in id order: every writer locks rows in the same order.
        let mut sums: BTreeMap<Uuid, i64> = BTreeMap::new();
        for &(id, n) in counts {
            if n < 0 {
                return Err(StoreError::Invalid {
                    field: "views",
                    message: format!("negative view count {n} for dataset {id}"),
                });
            }
            *sums.entry(id).or_default() += n;
        }
        sums.retain(|_, n| *n > 0);
        if sums.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        // All rows first, the counter after (see `mark_changed`).
        let mut found = Vec::with_capacity(sums.len());
        for (id, n) in &sums {
            let done = sqlx::query("UPDATE dataset SET views = views + $2 WHERE id = $1")
                .bind(id.to_string())
                .bind(*n)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() > 0 {
                found.push(*id);
            }
        }
        for id in found {
            mark_changed(&mut tx, id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The index generation: when it grows, every node rebuilds its search index from
    /// the catalog.
    pub async fn index_generation(&self) -> Result<i64> {
        self.counter("index_generation").await
    }

    /// Asks every node to rebuild its search index; returns the new generation.
    pub async fn request_reindex(&self) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE catalog_counter SET value = value + 1 WHERE name = 'index_generation'")
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT value FROM catalog_counter WHERE name = 'index_generation'")
            .fetch_one(&mut *tx)
            .await?;
        let generation: i64 = row.try_get("value")?;
        tx.commit().await?;
        Ok(generation)
    }
}
