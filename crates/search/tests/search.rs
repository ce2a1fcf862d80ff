//! The search rules on real Spanish titles of Guatemalan public data: accents, plurals,
//! typos, prefixes, facets, permissions and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ceiba_core::access::Audience;
use ceiba_core::{DatasetState, Lang, Localized};
use ceiba_search::{FacetField, Named, SearchDoc, SearchIndex, SearchRequest, SearchResults, Sort};
use chrono::{TimeZone, Utc};
use uuid::Uuid;

fn org(name: &str, title: &str) -> (Uuid, Named) {
    (
        Uuid::new_v5(&Uuid::NAMESPACE_OID, name.as_bytes()),
        Named {
            name: name.into(),
            title: Localized::new(title, ""),
        },
    )
}

fn cat(name: &str, es: &str, en: &str) -> Named {
    Named {
        name: name.into(),
        title: Localized::new(es, en),
    }
}

struct D {
    name: &'static str,
    title: &'static str,
    title_en: &'static str,
    description: &'static str,
    org: (&'static str, &'static str),
    cats: Vec<Named>,
    tags: &'static [&'static str],
    formats: &'static [&'static str],
    columns: &'static [&'static str],
    values: &'static [&'static str],
    licence: &'static str,
    years: (i32, i32),
    day: u32,
    views: i64,
    private: bool,
    state: DatasetState,
}

fn doc(d: D) -> SearchDoc {
    let (organization_id, organization) = org(d.org.0, d.org.1);
    SearchDoc {
        id: Uuid::new_v5(&Uuid::NAMESPACE_URL, d.name.as_bytes()),
        name: d.name.into(),
        title: Localized::new(d.title, d.title_en),
        description: Localized::new(d.description, ""),
        organization_id,
        organization,
        categories: d.cats,
        tags: d.tags.iter().map(|s| s.to_string()).collect(),
        formats: d.formats.iter().map(|s| s.to_string()).collect(),
        resources: vec![format!("{} (archivo)", d.title)],
        columns: d.columns.iter().map(|s| s.to_string()).collect(),
        values: d.values.iter().map(|s| s.to_string()).collect(),
        licence_id: d.licence.into(),
        years: (d.years.0..=d.years.1).collect(),
        territories: Vec::new(),
        created: Utc.with_ymd_and_hms(2024, 1, d.day, 12, 0, 0).unwrap(),
        modified: Utc.with_ymd_and_hms(2024, 6, 30 - d.day, 12, 0, 0).unwrap(),
        views: d.views,
        private: d.private,
        state: d.state,
    }
}

fn base() -> D {
    D {
        name: "",
        title: "",
        title_en: "",
        description: "",
        org: (
            "segeplan",
            "Secretaría de Planificación y Programación de la Presidencia",
        ),
        cats: vec![],
        tags: &[],
        formats: &["CSV"],
        columns: &[],
        values: &[],
        licence: "cc-by-4.0",
        years: (2018, 2018),
        day: 1,
        views: 0,
        private: false,
        state: DatasetState::Active,
    }
}

fn catalog() -> Vec<SearchDoc> {
    let poblacion = || cat("poblacion", "Población y demografía", "Population");
    let economia = || {
        cat(
            "economia",
            "Economía y finanzas públicas",
            "Economy and public finance",
        )
    };
    let salud = || cat("salud", "Salud", "Health");
    vec![
        doc(D {
            name: "poblacion-por-municipio-censo-2018",
            title: "Población por municipio, Censo 2018",
            title_en: "Population by municipality, 2018 Census",
            description: "Población total, por sexo y grupos de edad de los 340 municipios, según el XII Censo Nacional de Población.",
            org: ("ine", "Instituto Nacional de Estadística"),
            cats: vec![poblacion()],
            tags: &["censo", "población", "municipios"],
            formats: &["CSV", "XLSX"],
            columns: &["codigo municipio", "Municipio", "Departamento", "Población total"],
            values: &["Guatemala", "Huehuetenango", "Quiché", "Alta Verapaz"],
            day: 10,
            views: 500,
            ..base()
        }),
        doc(D {
            name: "ranking-gestion-municipal-2018",
            title: "Ranking de la gestión municipal 2018",
            title_en: "Municipal management ranking 2018",
            description: "Índice de gestión municipal por municipio: participación ciudadana, información a la ciudadanía, gestión administrativa, financiera y de servicios públicos.",
            cats: vec![economia()],
            tags: &["ranking", "gestión municipal"],
            columns: &["municipio", "índice general", "categoría"],
            values: &["Huehuetenango", "Chiantla"],
            day: 12,
            views: 900,
            ..base()
        }),
        doc(D {
            name: "nbi-por-municipio",
            title: "Necesidades básicas insatisfechas (NBI) por municipio",
            description: "Hogares con al menos una necesidad básica insatisfecha: calidad de la vivienda, hacinamiento, servicios sanitarios, asistencia escolar y precariedad ocupacional. Mide la **pobreza** estructural.",
            cats: vec![poblacion()],
            tags: &["pobreza", "NBI"],
            formats: &["XLSX"],
            columns: &["municipio", "hogares con NBI"],
            values: &["Petén", "Izabal"],
            years: (2018, 2018),
            day: 5,
            views: 300,
            ..base()
        }),
        doc(D {
            name: "proyectos-inversion-publica-2023",
            title: "Proyectos de inversión pública 2023",
            title_en: "Public investment projects 2023",
            description: "Proyectos registrados en el Sistema Nacional de Inversión Pública (SNIP), con monto asignado y ejecutado.",
            cats: vec![economia()],
            tags: &["inversión", "SNIP"],
            formats: &["CSV", "JSON"],
            columns: &["snip", "nombre del proyecto", "departamento", "monto ejecutado"],
            values: &["Huehuetenango", "San Marcos", "Agua potable"],
            years: (2023, 2023),
            day: 20,
            views: 120,
            ..base()
        }),
        doc(D {
            name: "desnutricion-cronica-ninos",
            title: "Desnutrición crónica en niños menores de cinco años",
            description: "Prevalencia de desnutrición crónica por departamento.",
            org: ("mspas", "Ministerio de Salud Pública y Asistencia Social"),
            cats: vec![salud()],
            tags: &["nutrición", "niñez"],
            columns: &["departamento", "prevalencia"],
            values: &["Totonicapán", "Huehuetenango"],
            licence: "cc0-1.0",
            years: (2014, 2015),
            day: 3,
            views: 50,
            ..base()
        }),
        doc(D {
            name: "ejecucion-presupuestaria-municipal",
            title: "Ejecución presupuestaria municipal",
            description: "Ingresos y gastos de las municipalidades.",
            org: ("minfin", "Ministerio de Finanzas Públicas"),
            cats: vec![economia()],
            tags: &["presupuesto", "municipios"],
            formats: &["CSV", "PARQUET"],
            columns: &["municipalidad", "gasto"],
            licence: "cc-by-4.0",
            years: (2020, 2022),
            day: 15,
            views: 10,
            ..base()
        }),
        doc(D {
            name: "borrador-cooperacion-internacional",
            title: "Desembolsos de cooperación internacional (borrador)",
            tags: &["cooperación"],
            day: 25,
            state: DatasetState::Draft,
            ..base()
        }),
        doc(D {
            name: "proyectos-privados-de-cooperacion",
            title: "Proyectos de cooperación en revisión",
            tags: &["cooperación"],
            day: 26,
            private: true,
            ..base()
        }),
    ]
}

fn index() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    index.replace_all(catalog(), Default::default()).unwrap();
    index
}

fn search(index: &SearchIndex, q: &str) -> SearchResults {
    index
        .search(&SearchRequest {
            q: q.into(),
            ..Default::default()
        })
        .unwrap()
}

fn names(r: &SearchResults) -> Vec<&str> {
    r.hits.iter().map(|h| h.doc.name.as_str()).collect()
}

#[test]
fn accents_do_not_matter() {
    let i = index();
    let r = search(&i, "poblacion");
    assert_eq!(names(&r)[0], "poblacion-por-municipio-censo-2018");
    assert!(r.hits[0]
        .highlights
        .title
        .contains("<mark>Población</mark>"));
    let r = search(&i, "INVERSION");
    assert_eq!(names(&r)[0], "proyectos-inversion-publica-2023");
    let r = search(&i, "desnutrición");
    assert_eq!(names(&search(&i, "desnutricion")), names(&r));
}

#[test]
fn plurals_meet_singulars() {
    let i = index();
    let r = search(&i, "proyecto");
    assert_eq!(names(&r)[0], "proyectos-inversion-publica-2023");
    let r = search(&i, "municipios");
    let found = names(&r);
    assert!(found.contains(&"nbi-por-municipio"), "{found:?}");
    assert!(
        found.contains(&"ranking-gestion-municipal-2018"),
        "{found:?}"
    );
    let r = search(&i, "necesidad basica");
    assert_eq!(names(&r)[0], "nbi-por-municipio");
}

#[test]
fn one_typo_is_forgiven_in_long_words() {
    let i = index();
    let r = search(&i, "desnutricon");
    assert_eq!(names(&r)[0], "desnutricion-cronica-ninos");
    assert!(r.hits[0]
        .highlights
        .title
        .contains("<mark>Desnutrición</mark>"));
    // Transposed letters count as one edit.
    assert_eq!(names(&search(&i, "porbeza"))[0], "nbi-por-municipio");
    // A letter missing.
    assert_eq!(names(&search(&i, "pobrza"))[0], "nbi-por-municipio");
    // A typo in the last letter, which hides the plural ending from the stemmer.
    assert_eq!(names(&search(&i, "insatisfechaz"))[0], "nbi-por-municipio");
    // Short words must be exact: "censa" is not "censo".
    assert!(search(&i, "cens").total >= 1, "prefix of the last word");
    assert_eq!(search(&i, "cnso").total, 0);
}

#[test]
fn the_last_word_matches_as_a_prefix() {
    let i = index();
    let r = search(&i, "pobla");
    assert_eq!(names(&r)[0], "poblacion-por-municipio-censo-2018");
    let r = search(&i, "huehue");
    assert!(r.total >= 4, "{:?}", names(&r));
    // Only the last word: "huehue pobreza" needs a whole word "huehue".
    assert!(search(&i, "huehue pobreza").relaxed);
}

#[test]
fn words_are_found_in_columns_values_and_tags_with_title_first() {
    let i = index();
    let r = search(&i, "inversion huehuetenango");
    assert_eq!(names(&r)[0], "proyectos-inversion-publica-2023");
    assert!(!r.relaxed);
    let why: Vec<_> = r.hits[0]
        .highlights
        .matches
        .iter()
        .map(|s| s.html.clone())
        .collect();
    assert!(
        why.iter().any(|h| h.contains("<mark>Huehuetenango</mark>")),
        "{why:?}"
    );
    // A word in the title outranks the same word in columns.
    let r = search(&i, "municipal");
    assert!(names(&r)[..2].contains(&"ranking-gestion-municipal-2018"));
    // Found through a column heading only.
    let r = search(&i, "prevalencia");
    assert_eq!(names(&r), vec!["desnutricion-cronica-ninos"]);
    // Through a category title.
    let r = search(&i, "demografia");
    assert_eq!(r.total, 2);
}

#[test]
fn english_titles_are_searched_too() {
    let i = index();
    let r = search(&i, "population");
    assert_eq!(names(&r)[0], "poblacion-por-municipio-censo-2018");
    let r = search(&i, "investments");
    assert_eq!(names(&r)[0], "proyectos-inversion-publica-2023");
}

fn counts(r: &SearchResults, f: FacetField) -> Vec<(String, u64)> {
    r.facets
        .iter()
        .find(|c| c.field == f)
        .unwrap()
        .values
        .iter()
        .map(|v| (v.value.clone(), v.count))
        .collect()
}

#[test]
fn facet_counts_add_up_and_combine() {
    let i = index();
    let all = i
        .search(&SearchRequest {
            facet_limit: 100,
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.total, 6, "drafts and private datasets are not public");
    // Single-valued facets add up to the total.
    for f in [FacetField::Organization, FacetField::LicenseId] {
        let sum: u64 = counts(&all, f).iter().map(|(_, n)| n).sum();
        assert_eq!(sum, all.total as u64, "{f:?}");
    }
    // Multi-valued facets count each dataset once per value.
    for f in [
        FacetField::Tags,
        FacetField::ResFormat,
        FacetField::Groups,
        FacetField::Year,
    ] {
        for (value, n) in counts(&all, f) {
            let filtered = i
                .search(&SearchRequest {
                    filters: vec![(f, value.clone())],
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(filtered.total as u64, n, "{f:?}={value}");
        }
    }
    assert_eq!(
        counts(&all, FacetField::Organization),
        vec![
            ("segeplan".into(), 3),
            ("ine".into(), 1),
            ("minfin".into(), 1),
            ("mspas".into(), 1)
        ]
    );
    assert!(counts(&all, FacetField::ResFormat).contains(&("CSV".into(), 5)));
    assert!(counts(&all, FacetField::Year).contains(&("2018".into(), 3)));
    // Filters combine (AND), and facets describe the filtered results.
    let r = i
        .search(&SearchRequest {
            filters: vec![
                (FacetField::Organization, "segeplan".into()),
                (FacetField::Groups, "economia".into()),
                (FacetField::ResFormat, "csv".into()),
            ],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        names(&r),
        vec![
            "proyectos-inversion-publica-2023",
            "ranking-gestion-municipal-2018"
        ]
    );
    assert_eq!(
        counts(&r, FacetField::Organization),
        vec![("segeplan".into(), 2)]
    );
    // With words too.
    let r = i
        .search(&SearchRequest {
            q: "municipio".into(),
            filters: vec![(FacetField::Tags, "pobreza".into())],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(names(&r), vec!["nbi-por-municipio"]);
}

#[test]
fn private_and_draft_datasets_only_for_those_allowed() {
    let i = index();
    let seeing = |viewer: Audience| {
        let r = i
            .search(&SearchRequest {
                q: "cooperacion".into(),
                viewer,
                ..Default::default()
            })
            .unwrap();
        let mut n: Vec<String> = names(&r).into_iter().map(String::from).collect();
        n.sort();
        n
    };
    assert!(seeing(Audience::Public).is_empty());
    let (segeplan, _) = org("segeplan", "");
    let (ine, _) = org("ine", "");
    assert!(seeing(Audience::Members {
        organizations: vec![ine]
    })
    .is_empty());
    let both = vec![
        "borrador-cooperacion-internacional".to_string(),
        "proyectos-privados-de-cooperacion".to_string(),
    ];
    assert_eq!(
        seeing(Audience::Members {
            organizations: vec![ine, segeplan]
        }),
        both
    );
    assert_eq!(seeing(Audience::Sysadmin), both);
    // Suggestions follow the same rule.
    let s = i
        .suggest("cooperac", &Audience::Public, Lang::Es, 5)
        .unwrap();
    assert!(s.datasets.is_empty());
}

#[test]
fn no_words_lists_newest_first_and_sorts_work() {
    let i = index();
    let r = search(&i, "");
    assert_eq!(names(&r)[0], "proyectos-inversion-publica-2023");
    let sorted = |sort| {
        i.search(&SearchRequest {
            sort,
            ..Default::default()
        })
        .unwrap()
    };
    let by_title = sorted(Sort::Title);
    let titles: Vec<_> = by_title
        .hits
        .iter()
        .map(|h| h.doc.title.es.clone())
        .collect();
    let mut expected = titles.clone();
    expected.sort_by_key(|t| ceiba_core::text::fold(t));
    assert_eq!(titles, expected);
    assert_eq!(
        names(&sorted(Sort::Views))[0],
        "ranking-gestion-municipal-2018"
    );
    assert_eq!(
        names(&sorted(Sort::Modified))[0],
        "desnutricion-cronica-ninos"
    );
    // Relevance with words differs from newest.
    let r = i
        .search(&SearchRequest {
            q: "municipio".into(),
            sort: Sort::Newest,
            ..Default::default()
        })
        .unwrap();
    let created: Vec<_> = r.hits.iter().map(|h| h.doc.created).collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn bad_input_gives_results_or_an_empty_page_never_an_error() {
    let i = index();
    for q in [
        "\"",
        ":",
        "*",
        "(",
        "title:pobreza",
        "pobreza*",
        "(pobreza OR \"censo",
        "\\\\ ) ] } ^~2",
        "ñ",
        "🙂",
    ] {
        i.search(&SearchRequest {
            q: q.into(),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
    assert_eq!(names(&search(&i, "title:pobreza"))[0], "nbi-por-municipio");
    let long = format!("pobreza {}", "x".repeat(2_000));
    assert!(search(&i, &long).total >= 1);
    let unknown = i
        .search(&SearchRequest {
            filters: vec![(FacetField::Organization, "no-existe".into())],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(unknown.total, 0);
    let past_end = i
        .search(&SearchRequest {
            offset: 500,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(past_end.total, 6);
    assert!(past_end.hits.is_empty());
    let zero_rows = i
        .search(&SearchRequest {
            limit: 0,
            ..Default::default()
        })
        .unwrap();
    assert!(zero_rows.hits.is_empty() && zero_rows.total == 6 && !zero_rows.facets.is_empty());
}

#[test]
fn no_dataset_with_every_word_falls_back_to_some() {
    let i = index();
    let r = search(&i, "pobreza astronomia");
    assert!(r.relaxed);
    assert_eq!(names(&r)[0], "nbi-por-municipio");
}

#[test]
fn snippets_are_escaped_and_explain_the_match() {
    let i = SearchIndex::in_memory().unwrap();
    i.replace_all(
        vec![doc(D {
            name: "x",
            title: "<script>alert(1)</script> pobreza",
            description: "Datos de <b>pobreza</b> & más",
            ..base()
        })],
        Default::default(),
    )
    .unwrap();
    let r = search(&i, "pobreza");
    let h = &r.hits[0].highlights;
    assert_eq!(
        h.title,
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>pobreza</mark>"
    );
    assert!(h
        .description
        .contains("&lt;b&gt;<mark>pobreza</mark>&lt;/b&gt; &amp; más"));
}

#[test]
fn suggestions_while_typing() {
    let i = index();
    i.set_labels(
        vec![(
            "ine".into(),
            Localized::new("Instituto Nacional de Estadística", ""),
        )],
        vec![
            (
                "poblacion".into(),
                Localized::new("Población y demografía", "Population"),
            ),
            ("salud".into(), Localized::new("Salud", "Health")),
        ],
    );
    let s = i.suggest("pobl", &Audience::Public, Lang::Es, 5).unwrap();
    assert_eq!(s.datasets[0].0, "poblacion-por-municipio-censo-2018");
    assert_eq!(
        s.categories,
        vec![("poblacion".into(), "Población y demografía".into())]
    );
    let s = i
        .suggest("estadis", &Audience::Public, Lang::Es, 5)
        .unwrap();
    assert_eq!(s.organizations[0].0, "ine");
    assert!(i
        .suggest("", &Audience::Public, Lang::Es, 5)
        .unwrap()
        .datasets
        .is_empty());
}

#[test]
fn changes_replace_and_remove_documents() {
    let i = index();
    let mut d = catalog().remove(2);
    d.title = Localized::new("Carencias críticas por municipio", "");
    d.tags = vec!["carencias".into()];
    d.description = Localized::new("", "");
    d.resources.clear();
    i.apply(
        &[d],
        &[],
        ceiba_search::IndexState {
            schema: 0,
            seq: 7,
            generation: 0,
        },
    )
    .unwrap();
    assert_eq!(i.state().seq, 7);
    assert_eq!(names(&search(&i, "carencias")), vec!["nbi-por-municipio"]);
    assert_eq!(search(&i, "insatisfechas").total, 0);
    let gone = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"nbi-por-municipio");
    i.apply(
        &[],
        &[gone],
        ceiba_search::IndexState {
            schema: 0,
            seq: 8,
            generation: 0,
        },
    )
    .unwrap();
    assert_eq!(search(&i, "carencias").total, 0);
    assert_eq!(i.len(), 7);
}

#[test]
fn an_index_on_disk_is_reopened_and_guarded() {
    let dir = tempfile::tempdir().unwrap();
    {
        let i = SearchIndex::open(dir.path()).unwrap();
        i.replace_all(
            catalog(),
            ceiba_search::IndexState {
                schema: 0,
                seq: 3,
                generation: 2,
            },
        )
        .unwrap();
        assert!(matches!(
            SearchIndex::open(dir.path()),
            Err(ceiba_search::SearchError::Busy)
        ));
    }
    let i = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(i.state().seq, 3);
    assert_eq!(i.state().generation, 2);
    assert_eq!(i.len(), 8);
    assert_eq!(
        names(&search(&i, "poblacion"))[0],
        "poblacion-por-municipio-censo-2018"
    );
}

/// A commit cut short by kill -9 leaves files the index lists as its own but no commit
/// uses; a later commit that needs the same name failed ("file already exists") and the
/// portal would not start (found by `cli/tests/faults.rs`). Opening removes them.
#[test]
fn files_left_by_an_interrupted_commit_are_removed_when_the_index_opens() {
    let dir = tempfile::tempdir().unwrap();
    {
        let i = SearchIndex::open(dir.path()).unwrap();
        i.replace_all(catalog(), ceiba_search::IndexState::default())
            .unwrap();
    }
    // What the killed process had written: a delete file, listed as managed.
    let orphan = "e00c2110ad7b48758235400f3882e977.316.del";
    std::fs::write(dir.path().join(orphan), b"partial").unwrap();
    let managed = dir.path().join(".managed.json");
    let mut list: Vec<String> = serde_json::from_slice(&std::fs::read(&managed).unwrap()).unwrap();
    list.push(orphan.into());
    std::fs::write(&managed, serde_json::to_vec(&list).unwrap()).unwrap();

    let i = SearchIndex::open(dir.path()).unwrap();
    assert!(!dir.path().join(orphan).exists(), "the unused file is gone");
    assert_eq!(i.len(), 8, "the committed index is whole");
}

#[test]
fn facets_counted_once_hold_for_every_sort_and_page_until_the_index_changes() {
    let i = index();
    let ask = |sort: Sort, offset: usize| SearchRequest {
        q: "poblacion".into(),
        sort,
        offset,
        limit: 2,
        facet_limit: 50,
        ..Default::default()
    };
    let fresh = i.search_uncached(&ask(Sort::Relevance, 0)).unwrap();
    assert!(fresh.total > 0);
    assert!(!fresh.facets.is_empty());
    for sort in [Sort::Relevance, Sort::Newest, Sort::Title, Sort::Views] {
        for offset in [0, 2, 40] {
            let r = i.search(&ask(sort, offset)).unwrap();
            assert_eq!(r.facets, fresh.facets, "{sort:?} {offset}");
            assert_eq!(r.total, fresh.total, "{sort:?} {offset}");
        }
    }
    // A new commit counts again: with one dataset left, the counts say so.
    let mut one = catalog();
    one.retain(|d| d.name == "poblacion-por-municipio-censo-2018");
    i.replace_all(one, Default::default()).unwrap();
    let after = i.search(&ask(Sort::Title, 0)).unwrap();
    assert_eq!(after.total, 1);
    assert_eq!(
        after.facets,
        i.search_uncached(&ask(Sort::Title, 0)).unwrap().facets
    );
    assert_ne!(after.facets, fresh.facets);
}
