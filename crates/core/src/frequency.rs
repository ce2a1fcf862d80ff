//! Update frequencies, from the EU Publications Office "frequency" authority table that
//! DCAT-AP uses for `dct:accrualPeriodicity`.

use crate::Lang;
use serde::{Deserialize, Serialize};

/// How often a dataset is updated. Serialised as the authority table's code (`ANNUAL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Frequency {
    Cont,
    Hourly,
    Daily,
    Weekly,
    Biweekly,
    Monthly,
    Bimonthly,
    Quarterly,
    Annual2,
    Annual,
    Biennial,
    Triennial,
    Quinquennial,
    Decennial,
    Irreg,
    Never,
    Other,
    Unknown,
}

impl Frequency {
    pub const ALL: [Frequency; 18] = [
        Frequency::Cont,
        Frequency::Hourly,
        Frequency::Daily,
        Frequency::Weekly,
        Frequency::Biweekly,
        Frequency::Monthly,
        Frequency::Bimonthly,
        Frequency::Quarterly,
        Frequency::Annual2,
        Frequency::Annual,
        Frequency::Biennial,
        Frequency::Triennial,
        Frequency::Quinquennial,
        Frequency::Decennial,
        Frequency::Irreg,
        Frequency::Never,
        Frequency::Other,
        Frequency::Unknown,
    ];

    /// The authority table's code, e.g. `ANNUAL`.
    pub fn code(self) -> &'static str {
        self.entry().0
    }

    /// The concept's URI, for DCAT output.
    pub fn uri(self) -> String {
        format!(
            "http://publications.europa.eu/resource/authority/frequency/{}",
            self.code()
        )
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (_, es, en) = self.entry();
        match lang {
            Lang::Es => es,
            Lang::En => en,
        }
    }

    pub fn parse(code: &str) -> Option<Frequency> {
        let code = code.trim();
        let code = code.rsplit('/').next().unwrap_or(code);
        Frequency::ALL
            .into_iter()
            .find(|f| f.code().eq_ignore_ascii_case(code))
    }

    fn entry(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Frequency::Cont => ("CONT", "Continua", "Continuous"),
            Frequency::Hourly => ("HOURLY", "Cada hora", "Hourly"),
            Frequency::Daily => ("DAILY", "Diaria", "Daily"),
            Frequency::Weekly => ("WEEKLY", "Semanal", "Weekly"),
            Frequency::Biweekly => ("BIWEEKLY", "Quincenal", "Every two weeks"),
            Frequency::Monthly => ("MONTHLY", "Mensual", "Monthly"),
            Frequency::Bimonthly => ("BIMONTHLY", "Bimestral", "Every two months"),
            Frequency::Quarterly => ("QUARTERLY", "Trimestral", "Quarterly"),
            Frequency::Annual2 => ("ANNUAL_2", "Semestral", "Semiannual"),
            Frequency::Annual => ("ANNUAL", "Anual", "Annual"),
            Frequency::Biennial => ("BIENNIAL", "Bienal", "Biennial"),
            Frequency::Triennial => ("TRIENNIAL", "Trienal", "Triennial"),
            Frequency::Quinquennial => ("QUINQUENNIAL", "Quinquenal", "Every five years"),
            Frequency::Decennial => ("DECENNIAL", "Decenal", "Every ten years"),
            Frequency::Irreg => ("IRREG", "Irregular", "Irregular"),
            Frequency::Never => ("NEVER", "Nunca", "Never"),
            Frequency::Other => ("OTHER", "Otra", "Other"),
            Frequency::Unknown => ("UNKNOWN", "Desconocida", "Unknown"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for f in Frequency::ALL {
            assert_eq!(Frequency::parse(f.code()), Some(f));
        }
        assert_eq!(
            Frequency::parse("http://publications.europa.eu/resource/authority/frequency/ANNUAL"),
            Some(Frequency::Annual)
        );
        assert_eq!(Frequency::parse("sometimes"), None);
    }
}
