//! What the binary's backup and fault tests share: running `ceiba`, a server on a free
//! port, and plain HTTP/1.1 requests (no client library: the tests speak as any client).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn ceiba() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ceiba"));
    for var in [
        "CEIBA_DATA",
        "CEIBA_CONFIG",
        "CEIBA_DATABASE_URL",
        "CEIBA_LISTEN",
        "CEIBA_THEME",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("CEIBA_LOG", "warn");
    cmd
}

/// Runs `ceiba ARGS --data DATA`; returns whether it succeeded, its stdout and stderr.
pub fn run(data: &Path, args: &[&str]) -> (bool, String, String) {
    run_with_input(data, args, "")
}

/// Runs `ceiba ARGS --data DATA` with `stdin` on its standard input; returns whether it
/// succeeded, its stdout and its stderr (both must be UTF-8).
pub fn run_with_input(data: &Path, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = ceiba()
        .args(args)
        .arg("--data")
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

pub fn run_ok(data: &Path, args: &[&str]) -> String {
    let (ok, stdout, stderr) = run(data, args);
    assert!(ok, "ceiba {args:?} failed: {stderr}");
    stdout
}

pub fn run_err(data: &Path, args: &[&str]) -> String {
    let (ok, stdout, stderr) = run(data, args);
    assert!(!ok, "ceiba {args:?} should fail: {stdout}");
    stderr
}

/// A sysadmin `publicadora` and an API token for it.
pub fn admin_token(data: &Path) -> String {
    run_ok(
        data,
        &[
            "user",
            "add",
            "publicadora",
            "--email",
            "datos@example.gt",
            "--sysadmin",
        ],
    );
    run_ok(data, &["token", "create", "publicadora", "--name", "t"])
        .trim()
        .to_owned()
}

/// A running `ceiba serve`; killed (SIGKILL) when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
    /// What the server printed after its address line.
    pub later: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// kill -9: no shutdown of any kind runs.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts `ceiba serve --data DATA ARGS` on a free port and waits for its address line.
pub fn serve(data: &Path, args: &[&str]) -> Server {
    let data = data.to_str().unwrap();
    serve_args(&[&["--data", data], args].concat())
}

/// Starts `ceiba serve ARGS` on a free port and waits for its address line.
pub fn serve_args(args: &[&str]) -> Server {
    let mut child = ceiba()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    // Held from the start, so that a panic below kills and reaps the process.
    let mut server = Server {
        child,
        addr: String::new(),
        later: Default::default(),
    };
    let mut lines = BufReader::new(stderr).lines();
    let started = Instant::now();
    let mut seen = String::new();
    loop {
        let Some(line) = lines.next() else {
            panic!("the server exited before listening:\n{seen}");
        };
        let line = line.unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            server.addr = rest.trim_end_matches('/').to_owned();
            let later = server.later.clone();
            std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    if let Ok(mut l) = later.lock() {
                        l.push_str(&line);
                        l.push('\n');
                    }
                }
            });
            return server;
        }
        seen.push_str(&line);
        seen.push('\n');
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no address line:\n{seen}"
        );
    }
}

/// One HTTP/1.1 request; the status and body, or an error when the connection failed
/// (a killed server).
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no HTTP status in {text:?}")))?;
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok((status, body))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub fn get(addr: &str, path: &str) -> (u16, String) {
    request(addr, "GET", path, &[], b"").unwrap()
}

/// A CKAN action's `result`, or `None` with the error when it did not succeed.
pub fn action(
    addr: &str,
    token: &str,
    name: &str,
    params: &serde_json::Value,
) -> std::io::Result<Result<serde_json::Value, String>> {
    let body = params.to_string();
    let (status, text) = request(
        addr,
        "POST",
        &format!("/api/3/action/{name}"),
        &[
            ("Authorization", token),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    )?;
    Ok(envelope(status, &text))
}

fn envelope(status: u16, text: &str) -> Result<serde_json::Value, String> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) if status == 200 && v["success"] == true => Ok(v["result"].clone()),
        _ => Err(format!("{status}: {text}")),
    }
}

/// A public read of a CKAN action by GET.
pub fn read_action(addr: &str, name_and_query: &str) -> Result<serde_json::Value, String> {
    match request(
        addr,
        "GET",
        &format!("/api/3/action/{name_and_query}"),
        &[],
        b"",
    ) {
        Ok((status, text)) => envelope(status, &text),
        Err(e) => Err(e.to_string()),
    }
}

/// `resource_create` with a file, as a multipart form.
pub fn upload(
    addr: &str,
    token: &str,
    package_id: &str,
    filename: &str,
    bytes: &[u8],
) -> std::io::Result<Result<serde_json::Value, String>> {
    let boundary = "ceiba-test-boundary-7d3f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"package_id\"\r\n\r\n{package_id}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"{filename}\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let (status, text) = request(
        addr,
        "POST",
        "/api/3/action/resource_create",
        &[
            ("Authorization", token),
            (
                "Content-Type",
                &format!("multipart/form-data; boundary={boundary}"),
            ),
        ],
        &body,
    )?;
    Ok(envelope(status, &text))
}

/// Every file under `root`, by path relative to it.
pub fn files_under(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let mut out = Vec::new();
    if root.is_dir() {
        walk(root, root, &mut out);
    }
    out.sort();
    out
}
