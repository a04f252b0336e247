//! The input of `metrics!`, parsed: the libraries it names, and each definition with its
//! options, every part keeping the user's tokens for errors.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitFloat, LitInt, LitStr, Path, Token, bracketed, parenthesized};

/// `use exgit_like, charon_like;` then the definitions.
pub(crate) struct Input {
    pub(crate) libraries: Vec<Path>,
    pub(crate) definitions: TokenStream,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if !input.peek(Token![use]) {
            return Err(input.error(
                "name the libraries whose events these metrics observe first, \
                 e.g. `use exgit_like, charon_like;`",
            ));
        }
        input.parse::<Token![use]>()?;
        let libraries = Punctuated::<Path, Token![,]>::parse_separated_nonempty(input)?;
        input.parse::<Token![;]>()?;
        Ok(Input {
            libraries: libraries.into_iter().collect(),
            definitions: input.parse()?,
        })
    }
}

/// One definition: `distribution("exgit.fs.grep.stop.duration", unit = native -> millisecond)`.
pub(crate) struct Definition {
    pub(crate) kind: Ident,
    pub(crate) name: LitStr,
    pub(crate) options: Vec<Opt>,
}

/// One `key = value` option.
pub(crate) struct Opt {
    pub(crate) key: Ident,
    pub(crate) value: OptValue,
}

pub(crate) enum OptValue {
    Str(LitStr),
    Strs(Vec<LitStr>),
    Numbers(Vec<(f64, Span)>),
    Int(LitInt),
    /// `unit = byte` or `unit = native -> millisecond`.
    Unit(Ident, Option<Ident>),
    Expr(Box<Expr>),
}

impl Parse for Definition {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let kind: Ident = input.parse()?;
        let content;
        parenthesized!(content in input);
        let name: LitStr = content.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "a metric starts with its name as a string, e.g. \
                 `counter(\"exgit.fs.grep.stop.duration\")`",
            )
        })?;
        let mut options = Vec::new();
        while !content.is_empty() {
            content.parse::<Token![,]>()?;
            if content.is_empty() {
                break;
            }
            options.push(content.parse()?);
        }
        Ok(Definition {
            kind,
            name,
            options,
        })
    }
}

impl Parse for Opt {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let value = match key.to_string().as_str() {
            "tags" => {
                let content;
                bracketed!(content in input);
                let tags = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
                OptValue::Strs(tags.into_iter().collect())
            }
            "buckets" => {
                let content;
                bracketed!(content in input);
                let bounds = Punctuated::<Number, Token![,]>::parse_terminated(&content)?;
                OptValue::Numbers(bounds.into_iter().map(|n| (n.0, n.1)).collect())
            }
            "unit" => {
                let from: Ident = input.parse()?;
                let to = if input.peek(Token![->]) {
                    input.parse::<Token![->]>()?;
                    Some(input.parse()?)
                } else {
                    None
                };
                OptValue::Unit(from, to)
            }
            "max_series" => OptValue::Int(input.parse()?),
            "prometheus_type" => OptValue::Unit(input.parse()?, None),
            "measurement" if input.peek(LitStr) => OptValue::Str(input.parse()?),
            "event_name" | "description" => OptValue::Str(input.parse()?),
            _ => OptValue::Expr(Box::new(input.parse()?)),
        };
        Ok(Opt { key, value })
    }
}

/// A bucket bound: an integer or float literal, optionally negative.
struct Number(f64, Span);

impl Parse for Number {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let negative = input.parse::<Option<Token![-]>>()?.is_some();
        let sign = if negative { -1.0 } else { 1.0 };
        if input.peek(LitInt) {
            let lit: LitInt = input.parse()?;
            return Ok(Number(sign * lit.base10_parse::<f64>()?, lit.span()));
        }
        let lit: LitFloat = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "a bucket bound is a number, e.g. `buckets = [0.5, 1, 5]`",
            )
        })?;
        Ok(Number(sign * lit.base10_parse::<f64>()?, lit.span()))
    }
}

/// The definitions, separated by `,` or `;`.
pub(crate) fn definitions(input: ParseStream<'_>) -> syn::Result<Vec<Definition>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        out.push(input.parse()?);
        if input.is_empty() {
            break;
        }
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
        } else {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(out)
}
