//! The short type grammar of the catalogue: text to [`Type`].
//!
//! ```text
//! spec   := type [ "?" ]                      "?" = the key may be omitted
//! type   := term ( "|" term )*                a union of alternatives
//! term   := "bool" | "u64" | "i64" | "f64" | "string" | "bytes" | "any" | "nil"
//!         | "atom" "(" atoms ")"
//!         | "list" "<" type ">"
//!         | "tuple" "<" type ( "," type )* ">"
//! atoms  := ".." | name ( "," name )* [ "," ".." ]
//! name   := [A-Za-z_][A-Za-z0-9_]* [ "?" | "!" ]   an atom without its colon
//! ```
//!
//! `atom(bearer, cookie)` is a closed set; a trailing `..` opens it
//! (`atom(full, oauth2, ..)`: these values and possibly others), and `atom(..)`
//! is any atom. `nil` is the none value, only as an alternative of a union
//! (`string | nil`); `any` admits it too. Whitespace between tokens is free.

use std::collections::HashSet;
use std::str::FromStr;

use crate::limits::{MAX_ATOM_VALUES, MAX_NAME_BYTES, MAX_TYPE_DEPTH, MAX_TYPE_ITEMS};
use crate::suggest;
use crate::types::{Type, TypeError};

impl FromStr for Type {
    type Err = TypeError;

    /// Parses a type (no trailing `?`: optionality belongs to a key).
    fn from_str(text: &str) -> Result<Type, TypeError> {
        let (ty, optional) = parse_spec(text)?;
        if optional {
            let offset = text.rfind('?').unwrap_or(0);
            return Err(TypeError {
                offset,
                message: "a type alone cannot be optional".into(),
                help: Some("`?` marks a key optional: write it in a key spec, not a type".into()),
            });
        }
        Ok(ty)
    }
}

/// Parses a key spec: a type and an optional trailing `?`.
pub(crate) fn parse_spec(text: &str) -> Result<(Type, bool), TypeError> {
    let mut parser = Parser {
        text,
        pos: 0,
        depth: 0,
    };
    let ty = parser.union()?;
    parser.skip_ws();
    let optional = parser.eat('?');
    parser.skip_ws();
    if let Some(c) = parser.peek() {
        return Err(parser.unexpected(c, "the end of the type"));
    }
    Ok((ty, optional))
}

/// The names of the simple types, in the order errors list them.
pub(crate) const SIMPLE_TYPES: [&str; 7] = ["bool", "u64", "i64", "f64", "string", "bytes", "any"];
const ALL_TYPES: [&str; 11] = [
    "bool", "u64", "i64", "f64", "string", "bytes", "any", "nil", "atom", "list", "tuple",
];

/// Names people reach for from other languages, and what to write here.
const FOREIGN_NAMES: [(&str, &str); 17] = [
    ("null", "T | nil"),
    ("none", "T | nil"),
    (
        "option",
        "T | nil (a none value) or a trailing `?` (a key that may be absent)",
    ),
    ("int", "u64 or i64"),
    ("integer", "u64 or i64"),
    ("uint", "u64"),
    ("usize", "u64"),
    ("float", "f64"),
    ("number", "u64, i64 or f64"),
    ("boolean", "bool"),
    ("str", "string"),
    ("text", "string"),
    ("binary", "string (text) or bytes"),
    ("map", "any"),
    ("term", "any"),
    ("array", "list<T>"),
    ("enum", "atom(a, b)"),
];

pub(crate) const ATOM_HELP: &str = "list its values: atom(full, oauth2); end the list with `..` when other values may appear: atom(full, oauth2, ..); atom(..) accepts any atom";

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// How many `list<` and `tuple<` enclose the current position: the parser
    /// recurses once per level, so the level is bounded.
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek().filter(|c| c.is_whitespace()) {
            self.pos += c.len_utf8();
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, s: &str) -> bool {
        if self.text[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> &str {
        let start = self.pos;
        while let Some(c) = self
            .peek()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            self.pos += c.len_utf8();
        }
        &self.text[start..self.pos]
    }

    fn error(&self, offset: usize, message: impl Into<String>, help: Option<String>) -> TypeError {
        TypeError {
            offset,
            message: message.into(),
            help,
        }
    }

    fn unexpected(&self, found: char, expected: &str) -> TypeError {
        if found == '?' {
            return self.error(
                self.pos,
                "`?` can only end the whole spec",
                Some("`?` marks the key optional, e.g. \"list<string>?\"; a value inside a list or tuple cannot be missing".into()),
            );
        }
        self.error(
            self.pos,
            format!("unexpected `{found}`, expected {expected}"),
            None,
        )
    }

    fn expect(&mut self, c: char, expected: &str, help: &str) -> Result<(), TypeError> {
        self.skip_ws();
        if self.eat(c) {
            return Ok(());
        }
        match self.peek() {
            Some(found) if found == '?' => Err(self.unexpected(found, expected)),
            Some(found) => Err(self.error(
                self.pos,
                format!("unexpected `{found}`, expected {expected}"),
                Some(help.into()),
            )),
            None => Err(self.error(
                self.pos,
                format!("the type ends early, expected {expected}"),
                Some(help.into()),
            )),
        }
    }

    fn union(&mut self) -> Result<Type, TypeError> {
        self.skip_ws();
        let union_start = self.pos;
        let mut alternatives = Vec::new();
        let mut seen = HashSet::new();
        loop {
            let start = self.pos;
            if alternatives.len() == MAX_TYPE_ITEMS {
                return Err(self.error(
                    start,
                    format!("a union has at most {MAX_TYPE_ITEMS} alternatives"),
                    Some("use a broader type, such as atom(..) or any".into()),
                ));
            }
            // A term is never a union itself: unions only nest inside `<...>`.
            let term = self.term()?;
            if !seen.insert(term.clone()) {
                return Err(self.error(
                    start,
                    format!("`{term}` appears twice in this union"),
                    Some("list each alternative once".into()),
                ));
            }
            alternatives.push(term);
            self.skip_ws();
            if !self.eat('|') {
                break;
            }
        }
        if alternatives == [Type::Nil] {
            return Err(self.error(
                union_start,
                "`nil` alone is no type: it is an alternative of a union",
                Some("write T | nil for a value that may be none, e.g. string | nil; a key that may be absent ends in `?` instead".into()),
            ));
        }
        Ok(if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            Type::Union(alternatives)
        })
    }

    fn term(&mut self) -> Result<Type, TypeError> {
        self.skip_ws();
        let start = self.pos;
        let word = self.word().to_string();
        if word.is_empty() {
            let valid = format!("write one of {}", ALL_TYPES.join(", "));
            return Err(match self.peek() {
                Some(c) => self.error(
                    start,
                    format!("unexpected `{c}`, expected a type"),
                    Some(valid),
                ),
                None => self.error(start, "expected a type", Some(valid)),
            });
        }
        let simple = match word.as_str() {
            "bool" => Some(Type::Bool),
            "u64" => Some(Type::U64),
            "i64" => Some(Type::I64),
            "f64" => Some(Type::F64),
            "string" => Some(Type::String),
            "bytes" => Some(Type::Bytes),
            "any" => Some(Type::Any),
            "nil" => Some(Type::Nil),
            _ => None,
        };
        if let Some(simple) = simple {
            self.skip_ws();
            if matches!(self.peek(), Some('<' | '(')) {
                return Err(self.error(
                    self.pos,
                    format!("`{word}` takes no parameters"),
                    Some("only list<T>, tuple<A, B> and atom(a, b) take parameters".into()),
                ));
            }
            return Ok(simple);
        }
        match word.as_str() {
            "list" => {
                self.expect('<', "`<` after `list`", "write list<T>, e.g. list<string>")?;
                self.enter(start)?;
                let item = self.union()?;
                self.depth -= 1;
                self.expect(
                    '>',
                    "`>` closing the list",
                    "write list<T>, e.g. list<string>",
                )?;
                Ok(Type::List(Box::new(item)))
            }
            "tuple" => {
                let help = "write tuple<A, B>, e.g. tuple<atom(ref_store_disk), atom(..)>";
                self.expect('<', "`<` after `tuple`", help)?;
                self.enter(start)?;
                let mut items = vec![self.union()?];
                loop {
                    self.skip_ws();
                    if !self.eat(',') {
                        break;
                    }
                    if items.len() == MAX_TYPE_ITEMS {
                        return Err(self.error(
                            self.pos,
                            format!("a tuple has at most {MAX_TYPE_ITEMS} elements"),
                            Some("use a list, or group the elements into nested tuples".into()),
                        ));
                    }
                    items.push(self.union()?);
                }
                self.depth -= 1;
                self.expect('>', "`>` closing the tuple", help)?;
                Ok(Type::Tuple(items))
            }
            "atom" => {
                self.skip_ws();
                if !self.eat('(') {
                    return Err(self.error(start, "atom without values", Some(ATOM_HELP.into())));
                }
                self.atom_values(start)
            }
            other => Err(self.unknown_type(start, other)),
        }
    }

    /// Goes one `list<` or `tuple<` deeper, refusing to pass the limit (the
    /// error points at the `list` or `tuple` that is one too many).
    fn enter(&mut self, start: usize) -> Result<(), TypeError> {
        if self.depth == MAX_TYPE_DEPTH {
            return Err(self.error(
                start,
                format!("types nest at most {MAX_TYPE_DEPTH} deep"),
                Some("flatten the type, or use any for the inner part".into()),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn unknown_type(&self, offset: usize, word: &str) -> TypeError {
        let help = FOREIGN_NAMES
            .iter()
            .find(|(foreign, _)| *foreign == word)
            .map(|(_, ours)| format!("write {ours}"))
            .or_else(|| suggest::did_you_mean(word, ALL_TYPES))
            .unwrap_or_else(|| {
                format!(
                    "the types are {}, atom(a, b), list<T>, tuple<A, B> and unions A | B (nil among them)",
                    SIMPLE_TYPES.join(", ")
                )
            });
        self.error(offset, format!("unknown type `{word}`"), Some(help))
    }

    fn atom_values(&mut self, atom_start: usize) -> Result<Type, TypeError> {
        let mut values: Vec<String> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut open = false;
        loop {
            self.skip_ws();
            if self.eat_str("..") {
                open = true;
                self.expect(')', "`)`: `..` comes last", "write atom(a, b, ..)")?;
                break;
            }
            let start = self.pos;
            if self.peek() == Some(':') {
                return Err(self.error(
                    start,
                    "atom values are written without their colon",
                    Some(format!(
                        "write {})",
                        self.text[atom_start..]
                            .split(')')
                            .next()
                            .unwrap_or("atom(")
                            .replace(':', "")
                    )),
                ));
            }
            // The value borrows the text, not the parser, so the set can hold
            // it while the parser moves on.
            let text = self.text;
            let value = &text[start..start + self.atom_name().len()];
            if value.is_empty() {
                if self.peek() == Some(')') && values.is_empty() {
                    return Err(self.error(
                        atom_start,
                        "atom without values",
                        Some(ATOM_HELP.into()),
                    ));
                }
                return Err(match self.peek() {
                    Some(c) => self.unexpected(c, "an atom value"),
                    None => self.error(
                        start,
                        "the type ends early, expected an atom value",
                        Some("write atom(a, b)".into()),
                    ),
                });
            }
            if value.len() > MAX_NAME_BYTES {
                return Err(self.error(
                    start,
                    format!("an atom value is at most {MAX_NAME_BYTES} bytes long"),
                    Some("shorten it".into()),
                ));
            }
            if values.len() == MAX_ATOM_VALUES {
                return Err(self.error(
                    start,
                    format!("an atom lists at most {MAX_ATOM_VALUES} values"),
                    Some("end the list with `..` to accept the others: atom(a, b, ..)".into()),
                ));
            }
            if !seen.insert(value) {
                return Err(self.error(
                    start,
                    format!("atom value `{value}` is listed twice"),
                    Some("list each value once".into()),
                ));
            }
            values.push(value.to_string());
            self.skip_ws();
            if self.eat(',') {
                continue;
            }
            self.expect(')', "`,` or `)` in the atom values", "write atom(a, b)")?;
            break;
        }
        Ok(Type::Atom { values, open })
    }

    fn atom_name(&mut self) -> &str {
        let start = self.pos;
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        {
            self.word();
            if matches!(self.peek(), Some('?' | '!')) {
                self.pos += 1;
            }
        }
        &self.text[start..self.pos]
    }
}

/// Whether `value` is a well-formed atom value (as written inside `atom(...)`).
pub(crate) fn is_atom_name(value: &str) -> bool {
    let mut parser = Parser {
        text: value,
        pos: 0,
        depth: 0,
    };
    let name = parser.atom_name();
    !name.is_empty() && name.len() == value.len()
}

#[cfg(test)]
mod tests;
