//! TOML syntax errors, reported once each at the line they are about.

use std::collections::HashSet;

use crate::diagnostic::Reporter;

pub(super) fn report_syntax_errors(r: &mut Reporter<'_>, errors: &[toml::de::Error]) {
    let mut errors: Vec<&toml::de::Error> = errors.iter().collect();
    errors.sort_by_key(|e| e.span().map_or(0, |s| s.start));
    let lines: Vec<&str> = r.source().lines().map(str::trim).collect();
    // The line of the table header at or above each line (0 for the top
    // level), found in one pass: a file may have as many errors as lines.
    let mut header = 0;
    let headers: Vec<usize> = lines
        .iter()
        .enumerate()
        .map(|(i, text)| {
            if text.starts_with('[') {
                header = i + 1;
            }
            header
        })
        .collect();
    let header_above = |line: usize| {
        line.checked_sub(1)
            .and_then(|i| headers.get(i))
            .copied()
            .unwrap_or(0)
    };
    let mut last_line = 0;
    let mut duplicate_tables = HashSet::new();
    for error in errors {
        let offset = error.span().map_or(0, |s| s.start);
        let location = r.location(offset);
        // After one error the parser's recovery often trips again on the same
        // line; those echoes only bury the real one.
        if location.line == last_line {
            continue;
        }
        last_line = location.line;
        let line = lines.get(location.line - 1).copied().unwrap_or("");
        if error.message() != "duplicate key" {
            r.error_at(location, format!("TOML syntax: {}", error.message()), None);
        } else if line.starts_with('[') {
            // A repeated `[x.y]` usually means its `[[x]]` line is missing or
            // misspelled.
            duplicate_tables.insert(location.line);
            let parent = line
                .trim_matches(['[', ']'])
                .split('.')
                .next()
                .unwrap_or("")
                .trim();
            r.error_at(
                location,
                format!("duplicate table `{line}`"),
                Some(format!(
                    "`{line}` belongs to the [[{parent}]] above it: check that this one has its own [[{parent}]] line, spelled right"
                )),
            );
        } else if !duplicate_tables.contains(&header_above(location.line)) {
            // (Every key of a repeated table repeats too, which says nothing new.)
            let key = error.span().and_then(|s| r.source().get(s)).unwrap_or("");
            let key = key.trim_matches('"').to_string();
            r.error_at(
                location,
                format!("duplicate key `{key}`"),
                Some("a key appears once per table: remove or rename one of them".into()),
            );
        }
    }
}
