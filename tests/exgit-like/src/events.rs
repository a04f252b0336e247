//! The standalone events of the catalogue as typed structs, and the atom types that
//! metadata values are drawn from. The spans live on the functions that perform them.

use telemetry_runtime::{Atom, FromValue, ToValue, Value, event};

/// The kind of object store, reported as `store`.
#[derive(Atom, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    /// `:memory`, a [`MemoryStore`](crate::MemoryStore).
    Memory,
    /// `:promisor`, a [`Promisor`](crate::promisor::Promisor).
    Promisor,
}

/// The transport that talked to a remote, reported as `transport`.
#[derive(Atom, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportKind {
    /// `:http`, for `http://` and `https://` URLs.
    Http,
    /// `:file`, for `file://` URLs.
    File,
}

/// What a promisor does when eviction cannot bring its cache under the cap, reported as
/// `policy` of `exgit.object_store.cache_overfull`.
#[derive(Atom, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// `:log`: keep the object, report only.
    Log,
    /// `:error`: refuse the write that overflowed.
    Error,
    /// `:callback`: keep the object and call the configured callback.
    Callback,
}

/// `checksum` of a successful `exgit.pack.stream_parse`: the only value is `:ok`.
#[derive(Atom, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checksum {
    /// The pack's trailing checksum matched.
    Ok,
}

/// Where a failed ref write happened, reported as `context`.
#[derive(Atom, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteContext {
    /// `:clone_partial`: seeding the ref store of a lazy or filtered clone.
    ClonePartial,
}

/// The operation of the disk ref store that rejected a ref name.
#[derive(Atom, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiskOperation {
    /// `:read`.
    Read,
    /// `:write`.
    Write,
    /// `:delete`.
    Delete,
}

/// `source` of `exgit.security.ref_rejected`: the remote's URL for a wire-level
/// rejection, or the tuple `{:ref_store_disk, operation}` for the disk ref store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectSource<'a> {
    /// Rejected as it came off the wire from this remote.
    Url(&'a str),
    /// Rejected by the disk ref store, second line of defence.
    RefStoreDisk(DiskOperation),
}

const DISK_READ: &[Value<'static>] = &[Value::atom("ref_store_disk"), Value::atom("read")];
const DISK_WRITE: &[Value<'static>] = &[Value::atom("ref_store_disk"), Value::atom("write")];
const DISK_DELETE: &[Value<'static>] = &[Value::atom("ref_store_disk"), Value::atom("delete")];

impl ToValue for RejectSource<'_> {
    fn to_value(&self) -> Value<'_> {
        match self {
            RejectSource::Url(url) => Value::Str(url),
            RejectSource::RefStoreDisk(DiskOperation::Read) => Value::Tuple(DISK_READ),
            RejectSource::RefStoreDisk(DiskOperation::Write) => Value::Tuple(DISK_WRITE),
            RejectSource::RefStoreDisk(DiskOperation::Delete) => Value::Tuple(DISK_DELETE),
        }
    }
}

/// Read back, so that typed handlers receive a `RejectSource`.
impl<'a> FromValue<'a> for RejectSource<'a> {
    fn from_value(value: Value<'a>) -> Option<Self> {
        match value {
            Value::Str(url) => Some(RejectSource::Url(url)),
            Value::Tuple([tag, operation]) if tag.as_atom() == Some("ref_store_disk") => {
                DiskOperation::from_atom(operation.as_atom()?).map(RejectSource::RefStoreDisk)
            }
            _ => None,
        }
    }
}

/// `exgit.object_store.haves_sent`: a promisor tells the remote which commits it holds
/// before fetching a missing object.
#[event("exgit.object_store.haves_sent")]
#[derive(Debug)]
pub struct HavesSent<'a> {
    /// Number of `have` lines sent.
    pub count: u64,
    /// The id of the object being fetched.
    pub sha: &'a [u8],
}

/// `exgit.object_store.cache_overfull`: eviction could not bring the cache under its cap.
#[event("exgit.object_store.cache_overfull")]
#[derive(Debug)]
pub struct CacheOverfull {
    /// Size of the cache, in bytes (a measurement).
    pub bytes: u64,
    /// The cap, in bytes (a measurement).
    pub cap: u64,
    /// What the promisor was configured to do about it.
    pub policy: Policy,
}

/// `exgit.ref_store.write_failed`: a partial clone could not write a ref while seeding
/// its in-memory ref store.
#[event("exgit.ref_store.write_failed")]
#[derive(Debug)]
pub struct WriteFailed<'a> {
    /// Number of failed writes this event reports.
    pub count: u64,
    /// The ref that could not be written.
    pub r#ref: &'a str,
    /// Why, as the ref store reported it (see [`RefError`](crate::refs::RefError)).
    pub reason: Value<'a>,
    /// Where the write happened.
    pub context: WriteContext,
}

/// `exgit.security.ref_rejected`: a ref name failed validation and was dropped.
#[event("exgit.security.ref_rejected")]
#[derive(Debug)]
pub struct RefRejected<'a> {
    /// Number of refs this event rejects.
    pub count: u64,
    /// Where the name came from.
    pub source: RejectSource<'a>,
    /// The rejected name.
    pub r#ref: &'a str,
}
