//! Link checks: a link that answers counts for the quality score, one that does not is
//! recorded with its reason and shown to the dataset's editors.

use axum::http::StatusCode;
use axum::routing::{get, head};
use axum::Router;
use ceiba_core::{Dataset, Localized};
use ceiba_portal::{Actor, ResourceInput};

use crate::common::{limits, serve, Side};

#[tokio::test]
async fn links_are_checked_and_broken_ones_lower_the_quality_score() {
    let site = Router::new()
        .route("/bien.csv", get(|| async { "a,b\n1,2\n" }))
        .route(
            "/sin-head.csv",
            head(|| async { StatusCode::METHOD_NOT_ALLOWED }).get(|| async { "a\n" }),
        )
        .route("/roto.csv", get(|| async { StatusCode::NOT_FOUND }));
    let url = serve(site).await;
    let here = Side::new().await;
    let op = Actor::operator();
    let org = here.organization("muni").await;
    let link = |path: &str| ResourceInput {
        url: Some(format!("{url}{path}")),
        ..Default::default()
    };
    let d = Dataset {
        name: "enlaces".into(),
        title: Localized::es("Enlaces"),
        organization_id: org.id,
        licence_id: "cc-by".into(),
        ..Dataset::default()
    };
    here.portal
        .create_dataset(
            &op,
            d,
            vec![link("/bien.csv"), link("/sin-head.csv"), link("/roto.csv")],
        )
        .await
        .unwrap();
    // Loopback is refused unless allowed: recorded as not answering, with the reason.
    let report = ceiba_harvest::check_links(&here.portal, limits(), false, 100)
        .await
        .unwrap();
    assert_eq!((report.checked, report.broken), (3, 3));
    let resources = here
        .portal
        .catalog()
        .resources_of(
            here.portal
                .catalog()
                .dataset("enlaces")
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap();
    let ids: Vec<_> = resources.iter().map(|r| r.id).collect();
    let checks = here.portal.catalog().link_checks(&ids).await.unwrap();
    assert!(
        checks.iter().all(|c| c.message.contains("not public")),
        "{checks:?}"
    );
    // Checked already: nothing is due again this week.
    let report = ceiba_harvest::check_links(&here.portal, limits(), true, 100)
        .await
        .unwrap();
    assert_eq!(report.checked, 0);
    // A changed address is due at once.
    for r in &resources {
        let mut r = r.clone();
        r.url = Some(format!("{}?v=2", r.url.clone().unwrap()));
        here.portal.catalog().update_resource(&r).await.unwrap();
    }
    let report = ceiba_harvest::check_links(&here.portal, limits(), true, 100)
        .await
        .unwrap();
    assert_eq!((report.checked, report.broken), (3, 1));
    let checks = here.portal.catalog().link_checks(&ids).await.unwrap();
    let broken: Vec<_> = checks.iter().filter(|c| !c.ok).collect();
    assert_eq!(broken.len(), 1);
    assert!(broken[0].url.contains("/roto.csv"));
    assert_eq!(broken[0].status, Some(404));

    // The page: the badge counts it, the editors see which link and why.
    here.index().await;
    let (_, page) = here.get("/dataset/enlaces").await;
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("Calidad "), "{page}");
    assert!(
        !page.contains("Enlaces que no respondieron"),
        "only editors see the list"
    );
}
