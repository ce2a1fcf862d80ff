//! The `ceiba` binary as an administrator uses it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

use common::{ceiba, get as http_get, run_err, run_ok, run_with_input, serve_args};

#[test]
fn help_explains_every_command() {
    let out = ceiba().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for word in ["serve", "demo", "--data", "--config", "--database-url"] {
        assert!(text.contains(word), "--help mentions {word}:\n{text}");
    }
    let out = ceiba().args(["serve", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for word in ["--listen", "--demo", "--theme", "127.0.0.1:8080"] {
        assert!(text.contains(word), "serve --help mentions {word}");
    }
}

#[test]
fn serve_with_demo_answers_health_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("datos portal");
    let server = serve_args(&["--demo", "--data", data.to_str().unwrap()]);
    let addr = server.addr.clone();
    let (status, body) = http_get(&addr, "/healthz");
    assert_eq!((status, body.trim()), (200, "ok"));
    let (status, body) = http_get(&addr, "/dataset/ranking-gestion-municipal");
    assert_eq!(status, 200);
    assert!(body.contains("Ranking"), "{body}");
    let (status, _) = http_get(&addr, "/en/organization/segeplan");
    assert_eq!(status, 200);
    assert!(data.join("catalog.db").exists());
}

#[test]
fn a_portal_without_users_says_how_to_make_the_first_sysadmin() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("datos");
    let server = serve_args(&["--data", data.to_str().unwrap()]);
    let started = std::time::Instant::now();
    let said = loop {
        let said = server.later.lock().unwrap().clone();
        if said.contains("--sysadmin") || started.elapsed() > std::time::Duration::from_secs(10) {
            break said;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let command = format!("ceiba --data {} user add admin", data.display());
    assert!(said.contains(&command), "{said}");
    assert!(said.contains("--sysadmin --password-stdin"), "{said}");
    drop(server);
    // The command as printed makes the first sysadmin.
    let (ok, _, err) = run_with_input(
        &data,
        &[
            "user",
            "add",
            "admin",
            "--email",
            "admin@example.gt",
            "--sysadmin",
            "--password-stdin",
        ],
        "una contraseña larga\n",
    );
    assert!(ok, "{err}");
    let server = serve_args(&["--data", data.to_str().unwrap()]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!server.later.lock().unwrap().contains("--sysadmin"));
}

#[test]
fn demo_loads_once_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let out = ceiba()
        .args(["demo", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Loaded the demo catalog"), "{text}");
    // CEIBA_DATA works like --data.
    let out = ceiba()
        .arg("demo")
        .env("CEIBA_DATA", &data)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("already loaded"));
}

#[test]
fn unusable_data_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let bad = file.join("data");
    let out = ceiba().args(["demo", "--data"]).arg(&bad).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(bad.to_str().unwrap()), "{err}");
    assert!(err.contains("cannot create the data directory"), "{err}");
}

#[test]
fn malformed_configuration_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ceiba.toml");
    std::fs::write(&config, "data = \"x\"\nlisten = 8080\n").unwrap();
    let out = ceiba()
        .arg("--config")
        .arg(&config)
        .arg("demo")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("listen") && err.contains("ceiba.toml"),
        "{err}"
    );

    std::fs::write(
        &config,
        format!("data = {:?}\nlisten = \"nowhere\"\n", dir.path().join("d")),
    )
    .unwrap();
    let out = ceiba()
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("listen: 'nowhere'"), "{err}");
}

#[test]
fn settings_from_file_apply_and_flags_override() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ceiba.toml");
    let data = dir.path().join("from-file");
    std::fs::write(
        &config,
        format!("data = {data:?}\nsite_name = \"Datos GT\"\n"),
    )
    .unwrap();
    let server = serve_args(&["--config", config.to_str().unwrap()]);
    let addr = server.addr.clone();
    let (_, body) = http_get(&addr, "/");
    assert!(body.contains("Datos GT"));
    assert!(
        data.join("catalog.db").exists(),
        "data folder from the file"
    );
    let server2 = serve_args(&["--config", config.to_str().unwrap(), "--site-name", "Otro"]);
    let addr2 = server2.addr.clone();
    let (_, body) = http_get(&addr2, "/");
    assert!(body.contains("Otro") && !body.contains("Datos GT"));
}

#[test]
fn import_reports_as_json_and_creates_the_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("NBI municipios.csv");
    std::fs::write(
        &file,
        b"Necesidades b\xe1sicas insatisfechas 2018\r\n\r\nc\xf3digo;municipio;hogares;nbi\r\n0101;Guatemala;250000;12,5\r\n1301;Huehuetenango;60000;N/D\r\nTOTAL;;310000;\r\n",
    )
    .unwrap();
    let out = ceiba()
        .args([
            "import",
            "--dataset",
            "nbi-2018",
            "--organization",
            "segeplan",
            "--json",
            "--data",
        ])
        .arg(&data)
        .arg(&file)
        .env("LANG", "es_GT.UTF-8")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["dataset"], "nbi-2018");
    assert!(report["resource_id"].as_str().unwrap().len() == 36);
    assert_eq!(report["encoding"], "windows-1252");
    assert_eq!(report["delimiter"], ";");
    assert_eq!(report["header_row"], 3);
    let table = &report["tables"][0];
    assert_eq!(table["rows"], 2);
    let columns: Vec<(String, String)> = table["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().into(),
                c["type"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        columns,
        [
            ("código".into(), "text".into()),
            ("municipio".into(), "text".into()),
            ("hogares".into(), "integer".into()),
            ("nbi".into(), "decimal".into())
        ]
    );
    assert_eq!(table["sample"][0][0], "0101");
    assert_eq!(table["sample"][0][3], 12.5);
    let warnings: Vec<&str> = table["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("«TOTAL» parece una fila de totales")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("fila 5 'N/D'")),
        "{warnings:?}"
    );
    assert_eq!(table["errors"].as_array().unwrap().len(), 0);

    // Importing again under the same resource name makes version 2.
    let out = ceiba()
        .args([
            "import",
            "--dataset",
            "nbi-2018",
            "--resource",
            "NBI municipios.csv",
            "--json",
            "--data",
        ])
        .arg(&data)
        .arg(&file)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["version"], 2);
}

#[test]
fn a_failed_import_says_why_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vacío.csv");
    std::fs::write(&file, b"").unwrap();
    let out = ceiba()
        .args([
            "import",
            "--dataset",
            "x-1",
            "--organization",
            "o-1",
            "--data",
        ])
        .arg(dir.path().join("d"))
        .arg(&file)
        .env("LANG", "en_US.UTF-8")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ERROR the file is empty"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("the import failed"));

    let out = ceiba()
        .args(["import", "--dataset", "x-1", "--data"])
        .arg(dir.path().join("d"))
        .arg(dir.path().join("missing.csv"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.csv: no such file"));
}

#[test]
fn rebuild_with_a_forced_type_and_edit_the_dictionary() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("ranking.csv");
    std::fs::write(
        &file,
        "codigo,municipio,indice\n101,Guatemala,0.59\n1301,Huehuetenango,0.41\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = ceiba()
            .args(args)
            .arg("--data")
            .arg(&data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let report: serde_json::Value = serde_json::from_str(&run(&[
        "import",
        "--dataset",
        "ranking",
        "--organization",
        "segeplan",
        "--json",
        file.to_str().unwrap(),
    ]))
    .unwrap();
    // Municipality codes one digit short of the others (101 for 0101 beside 1301) lost
    // their zero upstream: read as text. The index is a number.
    assert_eq!(report["tables"][0]["columns"][0]["type"], "text");
    assert_eq!(report["tables"][0]["columns"][2]["type"], "decimal");
    run(&[
        "column",
        "--dataset",
        "ranking",
        "--resource",
        "ranking.csv",
        "indice",
        "--label",
        "Índice 2018",
        "--unit",
        "%",
    ]);
    let report: serde_json::Value = serde_json::from_str(&run(&[
        "rebuild",
        "--dataset",
        "ranking",
        "--resource",
        "ranking.csv",
        "--type",
        "indice=texto",
        "--json",
    ]))
    .unwrap();
    assert_eq!(report["version"], 2);
    assert_eq!(report["tables"][0]["columns"][2]["type"], "text");
    assert_eq!(report["tables"][0]["sample"][0][2], "0.59");
    assert_eq!(report["tables"][0]["sample"][0][0], "101");

    let out = ceiba()
        .args([
            "rebuild",
            "--dataset",
            "ranking",
            "--resource",
            "ranking.csv",
            "--type",
            "codigo=blob",
            "--data",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("'blob' is not a type"));

    // A format only goes with a date type, and must be one strftime reads.
    for bad in ["codigo=integer:%d", "codigo=date:%Q"] {
        let out = ceiba()
            .args([
                "rebuild",
                "--dataset",
                "ranking",
                "--resource",
                "ranking.csv",
                "--type",
                bad,
                "--data",
            ])
            .arg(&data)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("a format goes with date or datetime"),
            "{bad}"
        );
    }
}

#[test]
fn search_index_is_built_at_start_rebuilt_on_demand_and_lost_without_loss() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let out = ceiba()
        .args(["demo", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success());
    // Without a running portal, reindex builds the index itself.
    let out = ceiba()
        .args(["reindex", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Rebuilt the search index") && text.contains("datasets"),
        "{text}"
    );
    // Losing the index loses nothing: the portal builds it again at start.
    std::fs::remove_dir_all(data.join("search")).unwrap();
    let server = serve_args(&["--data", data.to_str().unwrap()]);
    let addr = server.addr.clone();
    let (status, body) = http_get(&addr, "/dataset?q=gestion+municipal");
    assert_eq!(status, 200);
    assert!(
        body.contains("/dataset/ranking-gestion-municipal"),
        "{body}"
    );
    assert!(body.contains("<mark>"));
    // With the portal running, reindex asks it to rebuild rather than fight for the index.
    let out = ceiba()
        .args(["reindex", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("holds the search index"), "{text}");
    let (status, body) = http_get(&addr, "/api/v1/suggest?q=rank");
    assert_eq!(status, 200);
    assert!(body.contains("ranking-gestion-municipal"), "{body}");
}

/// The catalog the commands wrote, opened directly.
fn with_catalog<T>(data: &std::path::Path, f: impl AsyncFnOnce(&ceiba_store::Catalog) -> T) -> T {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let catalog = ceiba_store::Catalog::open_sqlite(&data.join("catalog.db"))
            .await
            .unwrap();
        let out = f(&catalog).await;
        catalog.close().await;
        out
    })
}

#[test]
fn users_get_tokens_that_scripts_capture_and_revoke() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let out = run_ok(
        &data,
        &[
            "user",
            "add",
            "ana",
            "--email",
            "ana@example.gt",
            "--fullname",
            "Ana Pérez",
        ],
    );
    assert_eq!(
        out.trim(),
        "Added user 'ana' <ana@example.gt> without a password (API tokens only)."
    );
    let err = run_err(&data, &["user", "add", "ana", "--email", "otra@example.gt"]);
    assert!(
        err.contains("there is already a user called 'ana'"),
        "{err}"
    );
    let err = run_err(&data, &["user", "add", "x", "--email", "x@example.gt"]);
    assert!(err.contains("user name 'x'"), "{err}");
    let err = run_err(&data, &["user", "add", "beto", "--email", "beto"]);
    assert!(
        err.contains("--email: 'beto' is not an email address"),
        "{err}"
    );

    let (ok, token, stderr) = run_with_input(
        &data,
        &[
            "token",
            "create",
            "ana",
            "--name",
            "ci",
            "--expires-days",
            "30",
        ],
        "",
    );
    assert!(ok, "{stderr}");
    assert_eq!(
        token.lines().count(),
        1,
        "only the token on stdout: {token}"
    );
    let token = token.trim_end_matches('\n');
    assert!(token.starts_with("ceiba_") && token.len() == 70, "{token}");
    assert!(
        stderr.contains("Created token 'ci'") && stderr.contains("it works until"),
        "{stderr}"
    );
    let who = with_catalog(&data, async |c| {
        c.account_by_token(token)
            .await
            .unwrap()
            .map(|(a, _)| a.name)
    });
    assert_eq!(who.as_deref(), Some("ana"));

    let list = run_ok(&data, &["token", "list", "ana"]);
    let line = list.lines().find(|l| l.contains(" ci ")).expect(&list);
    assert!(line.contains("active") && !line.contains(token), "{list}");
    assert!(list.starts_with("ID"), "{list}");

    let out = run_ok(&data, &["token", "revoke", "ana", "ci"]);
    assert!(out.starts_with("Revoked token 'ci'"), "{out}");
    let list = run_ok(&data, &["token", "list", "ana"]);
    let line = list.lines().find(|l| l.contains(" ci ")).expect(&list);
    assert!(line.contains("revoked"), "{list}");
    let who = with_catalog(&data, async |c| {
        c.account_by_token(token).await.unwrap().is_some()
    });
    assert!(!who, "a revoked token is refused");

    let err = run_err(&data, &["token", "revoke", "ana", "otro"]);
    assert!(
        err.contains("user 'ana' has no token with the name or id 'otro'"),
        "{err}"
    );
    let err = run_err(&data, &["token", "create", "nadie"]);
    assert!(err.contains("no user called 'nadie'"), "{err}");
    let err = run_err(&data, &["token", "list", "nadie"]);
    assert!(err.contains("no user called 'nadie'"), "{err}");
}

#[test]
fn passwords_come_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let (ok, out, err) = run_with_input(
        &data,
        &[
            "user",
            "add",
            "ana",
            "--email",
            "ana@example.gt",
            "--sysadmin",
            "--password-stdin",
        ],
        "primera clave\n",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Added sysadmin 'ana'") && out.contains("with a password"),
        "{out}"
    );

    let (ok, _, err) = run_with_input(&data, &["user", "set-password", "ana"], "corta\n");
    assert!(!ok);
    assert!(err.contains("at least 8 characters"), "{err}");
    let (ok, _, err) = run_with_input(&data, &["user", "set-password", "ana"], "");
    assert!(!ok);
    assert!(err.contains("no password"), "{err}");
    let (ok, _, err) = run_with_input(&data, &["user", "set-password", "nadie"], "segunda clave\n");
    assert!(!ok);
    assert!(err.contains("no user called 'nadie'"), "{err}");
    let (ok, out, err) = run_with_input(
        &data,
        &["user", "set-password", "ana", "--password-stdin"],
        "segunda clave\r\n",
    );
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "Set the password of user 'ana'.");

    let (old, new) = with_catalog(&data, async |c| {
        (
            c.verify_password("ana", "primera clave")
                .await
                .unwrap()
                .is_some(),
            c.verify_password("ana", "segunda clave").await.unwrap(),
        )
    });
    assert!(!old, "the old password no longer works");
    let ana = new.expect("the new one does, without its line ending");
    assert!(ana.sysadmin);
}

#[test]
fn org_add_member_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    // An organization, made the way an administrator would: by importing into it.
    let file = dir.path().join("t.csv");
    std::fs::write(&file, "a,b\n1,2\n").unwrap();
    run_ok(
        &data,
        &[
            "import",
            "--dataset",
            "tabla",
            "--organization",
            "segeplan",
            file.to_str().unwrap(),
        ],
    );
    run_ok(&data, &["user", "add", "ana", "--email", "ana@example.gt"]);

    let err = run_err(
        &data,
        &["org", "add-member", "nada", "ana", "--role", "editor"],
    );
    assert!(err.contains("no organization called 'nada'"), "{err}");
    let err = run_err(
        &data,
        &["org", "add-member", "segeplan", "nadie", "--role", "editor"],
    );
    assert!(err.contains("no user called 'nadie'"), "{err}");
    let err = run_err(
        &data,
        &["org", "add-member", "segeplan", "ana", "--role", "owner"],
    );
    assert!(err.contains("'owner' is not a role"), "{err}");

    let out = run_ok(
        &data,
        &["org", "add-member", "segeplan", "ana", "--role", "member"],
    );
    assert_eq!(
        out.trim(),
        "User 'ana' is now member of organization 'segeplan'."
    );
    run_ok(
        &data,
        &["org", "add-member", "segeplan", "ana", "--role", "editor"],
    );
    let list = run_ok(&data, &["user", "list"]);
    assert!(
        list.contains("segeplan:editor") && !list.contains("segeplan:member"),
        "{list}"
    );
    let members = run_ok(&data, &["org", "members", "segeplan"]);
    assert!(
        members
            .lines()
            .any(|l| l.starts_with("ana") && l.contains("editor")),
        "{members}"
    );

    run_ok(&data, &["org", "remove-member", "segeplan", "ana"]);
    let err = run_err(&data, &["org", "remove-member", "segeplan", "ana"]);
    assert!(err.contains("is not a member"), "{err}");
}

/// Whether Python with `ckanapi` is here; CI (`CEIBA_REQUIRE_PYTHON_CHECKS=1`) requires it.
fn ckanapi_available() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import ckanapi"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
        && Command::new("ckanapi")
            .arg("--help")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
    if !found {
        assert!(
            std::env::var("CEIBA_REQUIRE_PYTHON_CHECKS").as_deref() != Ok("1"),
            "ckanapi is required (pip install ckanapi)"
        );
        eprintln!("skipped: Python's ckanapi is not installed");
    }
    found
}

#[test]
fn the_real_ckanapi_client_reads_and_writes() {
    if !ckanapi_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let server = serve_args(&["--demo", "--data", data.to_str().unwrap()]);
    let addr = server.addr.clone();
    let out = ceiba()
        .args([
            "user",
            "add",
            "publicadora",
            "--email",
            "datos@segeplan.example",
            "--sysadmin",
            "--data",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ceiba()
        .args([
            "token",
            "create",
            "publicadora",
            "--name",
            "ckanapi",
            "--data",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ckanapi_check.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(format!("http://{addr}"))
        .arg(&token)
        .arg(dir.path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("all ckanapi checks passed"), "{report}");
}

#[test]
fn account_changes_from_the_command_line_are_in_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    run_ok(&data, &["user", "add", "ana", "--email", "ana@example.gt"]);
    run_err(&data, &["user", "add", "ana", "--email", "otra@example.gt"]);
    let token = run_ok(&data, &["token", "create", "ana", "--name", "ci"]);
    let log = run_ok(&data, &["audit", "--limit", "10"]);
    let lines: Vec<Vec<&str>> = log.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert_eq!(lines[0][1], "cli_user", "{log}");
    assert!(
        lines[0][5].contains("ana") && !lines[0][5].contains("failed"),
        "{log}"
    );
    assert!(lines[1][5].ends_with("(failed)"), "{log}");
    assert_eq!(lines[2][1], "cli_token", "{log}");
    // The token itself is never written down.
    assert!(!log.contains(token.trim()), "{log}");
}

/// `ceiba migrate-from-ckan` and `ceiba harvest` against a running Ceiba, as an
/// administrator types them.
#[test]
fn a_portal_migrates_from_another_and_harvests_it_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let there = dir.path().join("origen");
    run_ok(&there, &["demo"]);
    let key = common::admin_token(&there);
    let server = common::serve(&there, &[]);
    let url = format!("http://{}", server.addr);

    let here = dir.path().join("destino");
    // Loopback is refused unless the administrator allows it.
    let err = run_err(&here, &["migrate-from-ckan", &url, "--api-key", &key]);
    assert!(err.contains("not public"), "{err}");
    let out = run_ok(
        &here,
        &[
            "migrate-from-ckan",
            &url,
            "--api-key",
            &key,
            "--allow-private",
        ],
    );
    assert!(out.contains("CKAN 2.10"), "{out}");
    let created = |out: &str| -> u64 {
        let line = out.lines().find(|l| l.starts_with("datasets")).unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = words.iter().position(|w| *w == "created").unwrap();
        words[at + 1].parse().unwrap()
    };
    assert!(created(&out) >= 8, "{out}");
    assert!(out.contains("tables ingested"), "{out}");
    assert!(out.contains("users"), "{out}");
    // The same address answers on both.
    let again = run_ok(
        &here,
        &[
            "migrate-from-ckan",
            &url,
            "--api-key",
            &key,
            "--allow-private",
        ],
    );
    assert_eq!(created(&again), 0, "{again}");
    assert!(again.contains("updated      0"), "{again}");

    let other = dir.path().join("cosecha");
    let out = run_ok(
        &other,
        &[
            "harvest",
            "add",
            "--type",
            "ckan",
            &url,
            "--name",
            "origen",
            "--schedule",
            "daily",
        ],
    );
    assert!(out.contains("ceiba harvest run origen"), "{out}");
    let list = run_ok(&other, &["harvest", "list"]);
    assert!(list.starts_with("origen\tckan\tdaily\t"), "{list}");
    assert!(list.contains("never run"), "{list}");
    let out = run_ok(&other, &["harvest", "run", "origen", "--allow-private"]);
    assert!(created(&out) >= 8, "{out}");
    let list = run_ok(&other, &["harvest", "list"]);
    assert!(list.contains("\tdone "), "{list}");
    let err = run_err(
        &other,
        &["harvest", "add", "--type", "oai", &url, "--name", "otra"],
    );
    assert!(err.contains("type"), "{err}");
    let err = run_err(&other, &["harvest", "run", "nadie"]);
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn subtotals_can_be_left_out_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("inversion.csv");
    std::fs::write(
        &file,
        "municipio,proyectos\nNIVEL DEPARTAMENTAL,12\nGuatemala,5\nMixco,4\nVilla Nueva,3\n",
    )
    .unwrap();
    let import = |extra: &[&str]| {
        let out = ceiba()
            .args([
                "import",
                "--dataset",
                "inversion",
                "--organization",
                "segeplan",
                "--json",
            ])
            .args(extra)
            .arg(&file)
            .arg("--data")
            .arg(&data)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, stdout, stderr) = import(&["--subtotals", "leave-out"]);
    assert!(ok, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["tables"][0]["rows"], 3, "{report}");
    let (ok, _, stderr) = import(&["--subtotals", "sometimes"]);
    assert!(!ok);
    assert!(stderr.contains("write keep or leave-out"), "{stderr}");
}
