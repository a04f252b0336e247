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

/// The outcome of [`check_closed_atoms`]: empty when every atom is allowed, otherwise the
/// message that names the first atom outside the declared values. Built in a fixed buffer
/// because the check runs in a `const` item, where the compiler evaluates it even under
/// `cargo check`.
pub struct ClosedAtomsCheck {
    message: [u8; MESSAGE_CAPACITY],
    len: usize,
}

const MESSAGE_CAPACITY: usize = 1024;

impl ClosedAtomsCheck {
    /// Whether every atom of the enum is allowed.
    pub const fn passed(&self) -> bool {
        self.len == 0
    }

    /// What is wrong, for the compile error.
    pub const fn message(&self) -> &str {
        let (written, _) = self.message.split_at(self.len);
        match core::str::from_utf8(written) {
            Ok(text) => text,
            // Only whole strings are copied, except at the capacity: cut before the split
            // character.
            Err(error) => match core::str::from_utf8(written.split_at(error.valid_up_to()).0) {
                Ok(text) => text,
                Err(_) => "",
            },
        }
    }

    const fn push(mut self, text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() && self.len < MESSAGE_CAPACITY {
            self.message[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        self
    }
}

/// Checks an enum's atoms against the values a closed atom key declares. `enum_name`,
/// `variants` (the variant of each atom, when known), `key` and `declared_at` (the
/// catalogue line) only shape the message.
pub const fn check_closed_atoms(
    enum_name: &str,
    atoms: &[&str],
    variants: &[&str],
    declared: &[&str],
    key: &str,
    declared_at: &str,
) -> ClosedAtomsCheck {
    let mut check = ClosedAtomsCheck {
        message: [0; MESSAGE_CAPACITY],
        len: 0,
    };
    let mut i = 0;
    while i < atoms.len() {
        if !atoms_within(&[atoms[i]], declared) {
            check = check.push("`").push(enum_name);
            check = if variants.len() == atoms.len() {
                check.push("::").push(variants[i]).push("` is the atom `:")
            } else {
                check.push("` has the atom `:")
            };
            check = check
                .push(atoms[i])
                .push("`, which `")
                .push(key)
                .push("` does not allow: ")
                .push(declared_at)
                .push(" declares only ");
            let mut j = 0;
            while j < declared.len() {
                if j > 0 {
                    check = check.push(", ");
                }
                check = check.push(":").push(declared[j]);
                j += 1;
            }
            return check
                .push("; remove that variant, give it one of those atoms with ")
                .push("#[atom(rename = \"..\")], or add `")
                .push(atoms[i])
                .push("` to the key's atom(..) in the catalogue");
        }
        i += 1;
    }
    check
}
