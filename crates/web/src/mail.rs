//! E-mail: password-reset links and invitations, through the SMTP server set in the
//! configuration (`[mail] smtp_url`, `from`). Without one, the portal sends nothing and
//! says so: a sysadmin hands over a one-time link instead.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;

/// Where and as whom mail is sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// `smtp://host:25` (plain, a local relay), `smtp://host:587?tls=required` (STARTTLS)
    /// or `smtps://user:password@host:465` (TLS).
    pub smtp_url: String,
    /// The sender, e.g. `Datos abiertos <datos@segeplan.gob.gt>`.
    pub from: String,
}

/// A configured SMTP sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    pub fn new(c: &MailConfig) -> Result<Mailer, String> {
        let from: Mailbox = c
            .from
            .parse()
            .map_err(|e| format!("mail.from {:?}: {e}", c.from))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&c.smtp_url)
            .map_err(|e| format!("mail.smtp_url: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Mailer { transport, from })
    }

    /// Sends a plain-text message to `to`.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("address {to:?}: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body)
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
