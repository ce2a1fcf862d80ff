//! A synthetic profile of each municipality (population, deprivation, urbanisation) that
//! every dataset draws on, so the datasets agree with one another: a poor municipality in
//! the NBI table is also low in the management ranking and has more malnutrition.

use anyhow::{ensure, Context, Result};
use ceiba_core::territory::{municipalities_of, DEPARTMENTS};

use crate::random::Rng;

/// `(code, population, deprivation 0–1, urban share 0–1)`. Populations are close to the
/// 2018 census department totals; deprivation and urban share are rough, hand-set levels
/// giving the familiar picture (Alta Verapaz and Quiché poorest, Guatemala richest).
const DEPARTMENT_PROFILE: [(&str, i64, f64, f64); 22] = [
    ("01", 3_015_081, 0.14, 0.92),
    ("02", 176_632, 0.36, 0.45),
    ("03", 330_469, 0.20, 0.84),
    ("04", 615_776, 0.40, 0.62),
    ("05", 733_181, 0.32, 0.58),
    ("06", 396_607, 0.42, 0.44),
    ("07", 421_583, 0.56, 0.50),
    ("08", 418_569, 0.58, 0.38),
    ("09", 799_101, 0.38, 0.60),
    ("10", 554_695, 0.45, 0.52),
    ("11", 326_828, 0.40, 0.46),
    ("12", 1_032_277, 0.55, 0.30),
    ("13", 1_170_669, 0.62, 0.30),
    ("14", 949_261, 0.67, 0.34),
    ("15", 299_476, 0.55, 0.36),
    ("16", 1_215_038, 0.72, 0.26),
    ("17", 545_600, 0.54, 0.34),
    ("18", 408_688, 0.48, 0.40),
    ("19", 245_374, 0.40, 0.50),
    ("20", 415_063, 0.58, 0.34),
    ("21", 342_923, 0.52, 0.36),
    ("22", 488_395, 0.45, 0.36),
];

/// Large municipalities around the capital that are not department seats.
const METROPOLITAN: [&str; 4] = ["0108", "0115", "0116", "0117"];

#[derive(Debug, Clone)]
pub struct Department {
    pub code: &'static str,
    pub name: &'static str,
    pub population: i64,
    pub deprivation: f64,
}

#[derive(Debug, Clone)]
pub struct Municipality {
    pub code: &'static str,
    pub name: &'static str,
    pub department_code: &'static str,
    pub department: &'static str,
    pub population: i64,
    /// 0 (no unmet needs) to 1.
    pub deprivation: f64,
    pub urban_share: f64,
    /// The department seat (code ending in `01`).
    pub seat: bool,
}

/// The departments and municipalities with their synthetic profile.
#[derive(Debug, Clone)]
pub struct Profile {
    pub departments: Vec<Department>,
    pub municipalities: Vec<Municipality>,
}

impl Profile {
    pub fn build() -> Result<Profile> {
        let mut rng = Rng::seeded("territory-profile");
        let mut departments = Vec::with_capacity(DEPARTMENTS.len());
        let mut municipalities = Vec::with_capacity(340);
        for &(code, name) in DEPARTMENTS {
            let &(_, population, deprivation, urban) = DEPARTMENT_PROFILE
                .iter()
                .find(|p| p.0 == code)
                .with_context(|| format!("no profile for department {code}"))?;
            departments.push(Department {
                code,
                name,
                population,
                deprivation,
            });

            let munis: Vec<_> = municipalities_of(code).collect();
            ensure!(!munis.is_empty(), "department {code} has no municipalities");
            let weights: Vec<f64> = munis
                .iter()
                .map(|(m, _)| {
                    if m.ends_with("01") {
                        if code == "01" {
                            12.0
                        } else {
                            3.0
                        }
                    } else if METROPOLITAN.contains(m) {
                        5.0
                    } else {
                        rng.uniform(0.35, 1.65)
                    }
                })
                .collect();
            let total: f64 = weights.iter().sum();
            let first = municipalities.len();
            let mut assigned = 0;
            for (&(m_code, m_name), w) in munis.iter().zip(&weights) {
                let seat = m_code.ends_with("01");
                let pop = (population as f64 * w / total).floor() as i64;
                assigned += pop;
                let depth = deprivation + rng.uniform(-0.13, 0.13) - if seat { 0.12 } else { 0.0 };
                let urban_share = urban + rng.uniform(-0.15, 0.1) + if seat { 0.3 } else { 0.0 };
                municipalities.push(Municipality {
                    code: m_code,
                    name: m_name,
                    department_code: code,
                    department: name,
                    population: pop,
                    deprivation: depth.clamp(0.04, 0.92),
                    urban_share: urban_share.clamp(0.08, 0.99),
                    seat,
                });
            }
            // The rounding remainder goes to the seat, so departments sum to their total.
            municipalities[first].population += population - assigned;
        }
        Ok(Profile {
            departments,
            municipalities,
        })
    }

    pub fn department(&self, code: &str) -> Result<&Department> {
        self.departments
            .iter()
            .find(|d| d.code == code)
            .with_context(|| format!("no department {code}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departments_sum_to_their_totals() -> Result<()> {
        let p = Profile::build()?;
        assert_eq!(p.municipalities.len(), 340);
        for d in &p.departments {
            let sum: i64 = p
                .municipalities
                .iter()
                .filter(|m| m.department_code == d.code)
                .map(|m| m.population)
                .sum();
            assert_eq!(sum, d.population, "department {}", d.code);
        }
        assert!(p.municipalities.iter().all(|m| m.population > 1_000));
        Ok(())
    }
}
