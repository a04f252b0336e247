//! Atoms of atom types: where a name stands among a type's atoms, and the compile-time
//! check that an enum's atoms are among those a closed atom key allows.

use crate::value::Atom;

/// The position of the atom `name` among `atoms`. An atom handed out by its own type is
/// one of the very strings of `atoms` and is found by address; any other is compared as
/// text.
///
/// ```
/// use telemetry_runtime::__private::atom_position;
/// static ATOMS: [&str; 2] = ["full", "oauth2"];
/// assert_eq!(atom_position(ATOMS[1], &ATOMS), Some(1));
/// assert_eq!(atom_position(&String::from("oauth2"), &ATOMS), Some(1));
/// assert_eq!(atom_position("bearer", &ATOMS), None);
/// ```
#[inline]
pub fn atom_position(name: &str, atoms: &[&'static str]) -> Option<usize> {
    match atoms
        .iter()
        .position(|atom| std::ptr::eq(atom.as_ptr(), name.as_ptr()) && atom.len() == name.len())
    {
        Some(at) => Some(at),
        None => atom_position_by_text(name, atoms),
    }
}

#[cold]
#[inline(never)]
fn atom_position_by_text(name: &str, atoms: &[&'static str]) -> Option<usize> {
    atoms.iter().position(|atom| *atom == name)
}

/// Whether every atom of an enum is among the values a closed atom key declares.
const fn atoms_within(atoms: &[&str], declared: &[&str]) -> bool {
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

/// A compile error's text, built in a fixed buffer: the check runs in a `const` item, where
/// the compiler evaluates it even under `cargo check`, and where no `String` exists.
struct Message {
    bytes: [u8; MESSAGE_CAPACITY],
    len: usize,
}

const MESSAGE_CAPACITY: usize = 1024;

impl Message {
    const fn new() -> Self {
        Message {
            bytes: [0; MESSAGE_CAPACITY],
            len: 0,
        }
    }

    const fn push(mut self, text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() && self.len < MESSAGE_CAPACITY {
            self.bytes[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    const fn as_str(&self) -> &str {
        let (written, _) = self.bytes.split_at(self.len);
        match core::str::from_utf8(written) {
            Ok(text) => text,
            // Whole strings are copied, except at the capacity: cut before the split
            // character.
            Err(error) => match core::str::from_utf8(written.split_at(error.valid_up_to()).0) {
                Ok(text) => text,
                Err(_) => "",
            },
        }
    }
}

/// An atom type's atoms and the variants they stand for, as the closed-atom check reads
/// them: one constant that the macros' per-key checking traits carry, whatever the type.
#[derive(Clone, Copy)]
pub struct AtomsOf {
    atoms: &'static [&'static str],
    variants: &'static [&'static str],
}

impl AtomsOf {
    /// The atoms of `T`.
    pub const fn of<T: Atom>() -> Self {
        AtomsOf {
            atoms: T::VALUES,
            variants: T::VARIANTS,
        }
    }
}

/// Fails the compilation, at the caller, when an enum has an atom outside the values a
/// closed atom key declares, naming it (and its variant when the type gives it),
/// the allowed atoms and what to do. `enum_name` (empty when unknown), `key` and
/// `declared_at` (the catalogue line) only shape the message.
#[track_caller]
pub const fn assert_closed_atoms(
    enum_name: &str,
    of: AtomsOf,
    declared: &[&str],
    key: &str,
    declared_at: &str,
) {
    let AtomsOf { atoms, variants } = of;
    let mut i = 0;
    while i < atoms.len() {
        if !atoms_within(&[atoms[i]], declared) {
            let message = outside_message(enum_name, atoms, variants, i)
                .push("`, which `")
                .push(key)
                .push("` does not allow: ")
                .push(declared_at)
                .push(" declares only ");
            let message = atom_list(message, declared)
                .push("; remove that variant, give it one of those atoms with ")
                .push("#[atom(rename = \"..\")], or add `")
                .push(atoms[i])
                .push("` to the key's atom(..) in the catalogue");
            panic!("{}", message.as_str());
        }
        i += 1;
    }
}

/// "`Transport::Git` is the atom `:git", as far as the names are known.
const fn outside_message(enum_name: &str, atoms: &[&str], variants: &[&str], i: usize) -> Message {
    let message = Message::new();
    let known_variant = variants.len() == atoms.len();
    let message = match (enum_name.is_empty(), known_variant) {
        (false, true) => message
            .push("`")
            .push(enum_name)
            .push("::")
            .push(variants[i])
            .push("` is the atom `:"),
        (true, true) => message
            .push("variant `")
            .push(variants[i])
            .push("` is the atom `:"),
        (false, false) => message.push("`").push(enum_name).push("` has the atom `:"),
        (true, false) => message.push("the enum has the atom `:"),
    };
    message.push(atoms[i])
}

const fn atom_list(mut message: Message, atoms: &[&str]) -> Message {
    let mut j = 0;
    while j < atoms.len() {
        if j > 0 {
            message = message.push(", ");
        }
        message = message.push(":").push(atoms[j]);
        j += 1;
    }
    message
}
