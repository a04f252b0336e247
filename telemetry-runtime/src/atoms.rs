//! The compile-time check that an enum's atoms are among those a closed atom key allows.

/// Whether every atom of an enum is among the values a closed atom key declares.
pub const fn atoms_within(atoms: &[&str], declared: &[&str]) -> bool {
    let mut i = 0;
    while i < atoms.len() {
        let mut found = false;
        let mut j = 0;
        while j < declared.len() {
            if str_eq(atoms[i], declared[j]) {
                found = true;
            }
            j += 1;
        }
        if !found {
            return false;
        }
        i += 1;
    }
    true
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
