//! How a catalogue type is checked in Rust: the marker trait a value's type must
//! implement, and the words an error uses for it.

use quote::quote;
use telemetry_catalog::Type;

pub(crate) struct Kind {
    /// The runtime marker trait (`IsU64`, ...), or `None` for atoms, checked through `Atom`.
    pub(crate) marker: Option<&'static str>,
    /// Ends "`{Self}` ...": "is not an unsigned integer".
    pub(crate) is_not: &'static str,
    /// What to write instead.
    pub(crate) expected: String,
    /// For closed atoms: the values the enum's atoms must be among.
    pub(crate) closed_atoms: Option<Vec<String>>,
}

pub(crate) fn kind_of(ty: &Type) -> Kind {
    let marker = Some;
    match ty {
        Type::Bool => Kind {
            marker: marker("IsBool"),
            is_not: "is not a `bool`",
            expected: "expected `bool`".into(),
            closed_atoms: None,
        },
        Type::U64 => Kind {
            marker: marker("IsU64"),
            is_not: "is not an unsigned integer",
            expected: "expected `u64`, `u32`, `u16`, `u8` or `usize`".into(),
            closed_atoms: None,
        },
        Type::I64 => Kind {
            marker: marker("IsI64"),
            is_not: "is not a signed integer",
            expected: "expected `i64`, `i32`, `i16`, `i8` or `isize`".into(),
            closed_atoms: None,
        },
        Type::F64 => Kind {
            marker: marker("IsF64"),
            is_not: "is not a float",
            expected: "expected `f64` or `f32`".into(),
            closed_atoms: None,
        },
        Type::String => Kind {
            marker: marker("IsString"),
            is_not: "is not a string",
            expected: "expected `&str`, `String`, `Cow<str>`, `Box<str>` or `Arc<str>`".into(),
            closed_atoms: None,
        },
        Type::Bytes => Kind {
            marker: marker("IsBytes"),
            is_not: "is not a byte string",
            expected: "expected `&[u8]`, `Vec<u8>` or `[u8; N]`".into(),
            closed_atoms: None,
        },
        Type::Atom { values, open } => {
            let list = values
                .iter()
                .map(|v| format!(":{v}"))
                .collect::<Vec<_>>()
                .join(", ");
            Kind {
                marker: None,
                is_not: "is not an atom type",
                expected: format!(
                    "expected a fieldless enum with #[derive(telemetry_runtime::Atom)] whose variants are {list}{}",
                    if *open {
                        " (or others: the set is open)"
                    } else {
                        ""
                    }
                ),
                closed_atoms: (!*open).then(|| values.clone()),
            }
        }
        Type::Any | Type::Nil | Type::List(_) | Type::Tuple(_) | Type::Union(_) => Kind {
            marker: marker("IsValue"),
            is_not: "is not a telemetry value",
            expected:
                "implement `telemetry_runtime::ToValue` for it, or use a `telemetry_runtime::Value`"
                    .into(),
            closed_atoms: None,
        },
    }
}

/// Whether a Rust type written in the source evidently fits a catalogue type, so that no
/// checking trait needs to be generated for it: the primitive and string types the
/// catalogue types map to, behind any number of references. Anything else (user types,
/// aliases, generics) is checked by the compiler through the key's trait.
pub(crate) fn fits_evidently(declared: &Type, ty: &syn::Type) -> bool {
    let ty = peel_references(ty);
    match ty {
        syn::Type::Slice(slice) => {
            matches!(declared, Type::Bytes | Type::Any) && is_named(&slice.elem, &["u8"])
        }
        syn::Type::Array(array) => {
            matches!(declared, Type::Bytes | Type::Any) && is_named(&array.elem, &["u8"])
        }
        _ => {
            let names: &[&str] = match declared {
                Type::Bool => &["bool"],
                Type::U64 => &["u8", "u16", "u32", "u64", "usize"],
                Type::I64 => &["i8", "i16", "i32", "i64", "isize"],
                Type::F64 => &["f32", "f64"],
                Type::String => &["str", "String"],
                Type::Any => &[
                    "bool", "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize",
                    "f32", "f64", "str", "String",
                ],
                _ => &[],
            };
            is_named(ty, names)
        }
    }
}

fn peel_references(mut ty: &syn::Type) -> &syn::Type {
    loop {
        match ty {
            syn::Type::Reference(reference) => ty = &reference.elem,
            syn::Type::Paren(paren) => ty = &paren.elem,
            syn::Type::Group(group) => ty = &group.elem,
            _ => return ty,
        }
    }
}

fn is_named(ty: &syn::Type, names: &[&str]) -> bool {
    let syn::Type::Path(path) = peel_references(ty) else {
        return false;
    };
    path.qself.is_none()
        && path.path.leading_colon.is_none()
        && path.path.segments.len() == 1
        && path.path.segments[0].arguments.is_none()
        && names.iter().any(|n| path.path.segments[0].ident == n)
}

/// The type of an expression when the source states it: `x as u64`, `3u64`, `true`,
/// `"text"`.
pub(crate) fn stated_type(expr: &syn::Expr) -> Option<syn::Type> {
    match expr {
        syn::Expr::Cast(cast) => Some((*cast.ty).clone()),
        syn::Expr::Paren(paren) => stated_type(&paren.expr),
        syn::Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Bool(_) => Some(syn::parse_quote!(bool)),
            syn::Lit::Str(_) => Some(syn::parse_quote!(&str)),
            syn::Lit::Int(int) if !int.suffix().is_empty() => syn::parse_str(int.suffix()).ok(),
            syn::Lit::Float(float) if !float.suffix().is_empty() => {
                syn::parse_str(float.suffix()).ok()
            }
            _ => None,
        },
        _ => None,
    }
}

/// The type a value of `ty` is checked as, outside the function or struct that names it:
/// without references, every lifetime `'static`.
pub(crate) fn without_lifetimes(ty: &syn::Type) -> syn::Type {
    struct Static;
    impl syn::visit_mut::VisitMut for Static {
        fn visit_lifetime_mut(&mut self, lifetime: &mut syn::Lifetime) {
            *lifetime = syn::Lifetime::new("'static", lifetime.span());
        }
    }
    let mut ty = peel_references(ty).clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Static, &mut ty);
    ty
}

/// Whether a type can be named outside the function: it mentions none of the function's
/// generic parameters, no `Self`, no `impl Trait`, and nothing named like the generic
/// parameter of an enclosing `impl` (`T`, `K2`).
pub(crate) fn names_no_generics(ty: &syn::Type, generics: &[&syn::Ident]) -> bool {
    fn generic_like(name: &str) -> bool {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_digit())
    }
    fn clean(tokens: proc_macro2::TokenStream, generics: &[&syn::Ident]) -> bool {
        tokens.into_iter().all(|tree| match tree {
            proc_macro2::TokenTree::Ident(ident) => {
                ident != "Self"
                    && ident != "impl"
                    && !generic_like(&ident.to_string())
                    && !generics.iter().any(|g| **g == ident)
            }
            proc_macro2::TokenTree::Group(group) => clean(group.stream(), generics),
            _ => true,
        })
    }
    clean(quote!(#ty), generics)
}

/// The enum an expression such as `Outcome::Failed` (a variant named by a path through
/// its type) is a value of: `Outcome`. Paths whose last segments do not look like a type
/// and a variant (`CONSTANT`, `module::function`, `Self::Variant`) give `None`.
pub(crate) fn variant_type(expr: &syn::Expr) -> Option<syn::Type> {
    let syn::Expr::Path(path) = expr else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let segments = &path.path.segments;
    let camel = |s: &syn::PathSegment| {
        let name = s.ident.to_string();
        name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.contains(|c: char| c.is_ascii_lowercase())
            && name != "Self"
    };
    let (variant, ty) = (segments.last()?, segments.iter().nth_back(1)?);
    if !camel(variant) || !camel(ty) || !variant.arguments.is_none() {
        return None;
    }
    let leading = path.path.leading_colon;
    let through_type = segments.iter().take(segments.len() - 1);
    syn::parse2(quote!(#leading #(#through_type)::*)).ok()
}
