//! The territory a dataset covers, and so how many rows its table has.

use ceiba_core::territory::{DEPARTMENTS, MUNICIPALITIES};

/// What territory a dataset covers.
#[derive(Clone, Copy)]
pub(super) enum Scope {
    Departments,
    Municipalities,
    /// Index into `DEPARTMENTS`.
    Department(usize),
    /// Index into `MUNICIPALITIES`.
    Municipality(usize),
}

pub(super) fn department_of(muni: usize) -> usize {
    let code = &MUNICIPALITIES[muni].0[..2];
    DEPARTMENTS
        .iter()
        .position(|(c, _)| *c == code)
        .unwrap_or(0)
}

pub(super) fn municipalities_in(dep: usize) -> Vec<usize> {
    let code = DEPARTMENTS[dep].0;
    (0..MUNICIPALITIES.len())
        .filter(|&m| MUNICIPALITIES[m].0.starts_with(code))
        .collect()
}

pub(super) fn rows_of(scope: Scope, first: i32, last: i32) -> i64 {
    let years = i64::from(last - first + 1);
    years
        * match scope {
            Scope::Departments => 22,
            Scope::Municipalities => 340,
            Scope::Department(d) => municipalities_in(d).len() as i64,
            Scope::Municipality(_) => 12,
        }
}
