//! Emitting by name, for names known only at run time: the registry looks the name up.

use crate::fields::{Field, Fields};
use crate::name::{IntoName, NameError};
use crate::registry;

/// Emits an event by name, for names known only at run time.
///
/// Events declared in a catalogue are emitted through their typed emitters instead, which
/// skip the name lookup. When nothing at all listens, this costs validating the name and
/// two atomic loads; it never allocates and never waits for attach or detach.
///
/// ```
/// use telemetry_runtime::{capture, execute, fields, NameError, Value};
/// let captured = capture(|| {
///     execute(
///         "exgit.security.ref_rejected",
///         &fields!(count = 1u64),
///         &fields!(source = "https://example.com/repo.git", "ref" = "refs/heads/../x"),
///     )
/// });
/// assert!(captured.result.is_ok());
/// assert_eq!(captured.events[0].meta("ref").and_then(|v| v.as_str()), Some("refs/heads/../x"));
/// assert!(matches!(execute("Exgit.Bad", &[], &[]), Err(NameError::InvalidCharacter { .. })));
/// ```
pub fn execute<'n>(
    name: impl IntoName<'n>,
    measurements: &[Field<'_>],
    metadata: &[Field<'_>],
) -> Result<(), NameError> {
    let name = name.into_name()?;
    registry::dispatch_dynamic(name, Fields::new(measurements), Fields::new(metadata), None);
    Ok(())
}

/// [`execute`](crate::execute()) for an event whose metadata holds sensitive keys: the
/// event carries `sensitive_keys`, so that handlers, reporters and every `Debug` form
/// redact those values.
///
/// ```
/// use telemetry_runtime::{capture, execute_with_sensitive_keys, fields};
/// let captured = capture(|| {
///     execute_with_sensitive_keys(
///         "charon.token.issued",
///         &fields!(count = 1u64),
///         &fields!(client_id = "c1", token = "s3cret"),
///         &["token"],
///     )
/// });
/// let event = &captured.events[0];
/// assert!(event.is_sensitive("token") && !event.is_sensitive("client_id"));
/// assert!(!format!("{captured:?}").contains("s3cret"));
/// ```
pub fn execute_with_sensitive_keys<'n>(
    name: impl IntoName<'n>,
    measurements: &[Field<'_>],
    metadata: &[Field<'_>],
    sensitive_keys: &[&str],
) -> Result<(), NameError> {
    let name = name.into_name()?;
    registry::dispatch_dynamic(
        name,
        Fields::new(measurements).with_sensitive_keys(sensitive_keys),
        Fields::new(metadata).with_sensitive_keys(sensitive_keys),
        None,
    );
    Ok(())
}
