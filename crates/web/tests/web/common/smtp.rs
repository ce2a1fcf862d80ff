//! A local SMTP sink started by a test: it accepts every message and keeps it, so a test
//! reads what the portal sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// The sink's address (`smtp://127.0.0.1:PORT`) and the messages it received (the DATA of
/// each, headers and body).
pub struct SmtpSink {
    pub url: String,
    pub messages: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let messages: Arc<Mutex<Vec<String>>> = Arc::default();
        let kept = messages.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                    let mut data: Option<String> = None;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(d) = data.as_mut() {
                            if line == "." {
                                kept.lock().unwrap().push(std::mem::take(d));
                                data = None;
                                let _ = write.write_all(b"250 kept\r\n").await;
                            } else {
                                d.push_str(line.strip_prefix('.').unwrap_or(&line));
                                d.push('\n');
                            }
                            continue;
                        }
                        let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
                        let answer: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250 sink\r\n",
                            "DATA" => {
                                data = Some(String::new());
                                b"354 go on\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        };
                        let _ = write.write_all(answer).await;
                    }
                });
            }
        });
        SmtpSink { url, messages }
    }

    /// Waits (up to 10 s) for the `n`th message (1-based) and returns it.
    pub async fn message(&self, n: usize) -> String {
        for _ in 0..200 {
            if let Some(m) = self.messages.lock().unwrap().get(n - 1) {
                return m.clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no message {n} in the sink");
    }
}

/// The first `…/user/reset/<secret>` link in `text`.
pub fn reset_link(text: &str) -> String {
    // A mail body may be quoted-printable: long lines end in a soft break (`=`).
    let text = text.replace("=\r\n", "").replace("=\n", "");
    let at = text.find("/user/reset/").expect("a reset link");
    let secret: String = text[at + 12..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    format!("/user/reset/{secret}")
}
