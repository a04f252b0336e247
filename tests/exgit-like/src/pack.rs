//! Packs: many objects in one byte string, as remotes send them.
//!
//! The format follows git's in outline: `PACK`, version 2, the object count, each object
//! as a type byte, a 32-bit size and the content (uncompressed here), then the SHA-1 of
//! everything before it. [`parse`] reads a pack held whole in memory; [`stream_parse`]
//! decodes one chunk at a time straight into an object store, never holding the pack.

use std::fmt;

use telemetry_runtime::{ToValue, Value, span, stop};

use crate::events::Checksum;
use crate::object::{Object, ObjectKind, Sha1};
use crate::store::{ObjectStore, StoreError};

const SIGNATURE: &[u8; 4] = b"PACK";
const VERSION: u32 = 2;
const HEADER: usize = 12;
const ENTRY_HEADER: usize = 5;
const TRAILER: usize = 20;

/// Why a pack could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackError {
    /// It does not start with `PACK`.
    BadSignature,
    /// A version other than 2.
    UnsupportedVersion(u32),
    /// It ends before its objects and checksum do.
    Truncated,
    /// The trailing checksum does not match the content.
    ChecksumMismatch,
    /// Bytes follow the checksum.
    TrailingData,
    /// An object of a type this library does not know, met before the checksum could
    /// vouch for the content (streaming).
    UnknownType(u8),
    /// The store the objects were decoded into refused one.
    Store(StoreError),
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackError::BadSignature => f.write_str("not a pack: no PACK signature"),
            PackError::UnsupportedVersion(v) => write!(f, "unsupported pack version {v}"),
            PackError::Truncated => f.write_str("pack is truncated"),
            PackError::ChecksumMismatch => f.write_str("pack checksum does not match"),
            PackError::TrailingData => f.write_str("data after the pack checksum"),
            PackError::UnknownType(t) => write!(f, "unknown object type {t}"),
            PackError::Store(e) => write!(f, "object store: {e}"),
        }
    }
}

impl std::error::Error for PackError {}

/// `error` of `exgit.pack.stream_parse`, as an atom such as `:checksum_mismatch`.
impl ToValue for PackError {
    fn to_value(&self) -> Value<'_> {
        Value::atom(match self {
            PackError::BadSignature => "bad_signature",
            PackError::UnsupportedVersion(_) => "unsupported_version",
            PackError::Truncated => "truncated",
            PackError::ChecksumMismatch => "checksum_mismatch",
            PackError::TrailingData => "trailing_data",
            PackError::UnknownType(_) => "unknown_type",
            PackError::Store(_) => "store_failed",
        })
    }
}

/// A pack holding `objects`, in order.
pub fn write<'o>(objects: impl IntoIterator<Item = &'o Object>) -> Vec<u8> {
    let objects: Vec<&Object> = objects.into_iter().collect();
    let mut pack = Vec::new();
    pack.extend_from_slice(SIGNATURE);
    pack.extend_from_slice(&VERSION.to_be_bytes());
    pack.extend_from_slice(&(objects.len() as u32).to_be_bytes());
    for object in objects {
        pack.push(object.kind.pack_type());
        pack.extend_from_slice(&(object.data.len() as u32).to_be_bytes());
        pack.extend_from_slice(&object.data);
    }
    let checksum = Sha1::digest(&pack);
    pack.extend_from_slice(&checksum);
    pack
}

/// Parses a pack held in memory: `exgit.pack.parse`, with `byte_size` at start and the
/// `object_count` parsed (zero when the pack is refused) at stop.
///
/// # Panics
/// When the checksum matches but an object has an unknown type. The checksum shows the
/// remote wrote the pack that way, so this is a broken remote rather than a damaged
/// transfer, and, as git's `die()` does, the parser does not try to go on.
#[span("exgit.pack.parse", byte_size = bytes.len())]
pub fn parse(bytes: &[u8]) -> Result<Vec<Object>, PackError> {
    stop!(object_count = 0u64);
    let objects = decode(bytes)?;
    stop!(object_count = objects.len());
    Ok(objects)
}

/// [`parse`] without telemetry, for the remote's side of the wire.
pub(crate) fn decode(bytes: &[u8]) -> Result<Vec<Object>, PackError> {
    let count = read_header(bytes)?;
    if bytes.len() < HEADER + TRAILER {
        return Err(PackError::Truncated);
    }
    let (content, checksum) = bytes.split_at(bytes.len() - TRAILER);
    let mut rest = &content[HEADER..];
    let mut objects = Vec::new();
    for _ in 0..count {
        let Some((kind, size)) = read_entry_header(rest) else {
            return Err(PackError::Truncated);
        };
        let data = rest
            .get(ENTRY_HEADER..ENTRY_HEADER + size)
            .ok_or(PackError::Truncated)?;
        objects.push((kind, data));
        rest = &rest[ENTRY_HEADER + size..];
    }
    if !rest.is_empty() {
        return Err(PackError::TrailingData);
    }
    if Sha1::digest(content) != checksum {
        return Err(PackError::ChecksumMismatch);
    }
    Ok(objects
        .into_iter()
        .enumerate()
        .map(|(i, (kind, data))| {
            let Some(kind) = ObjectKind::from_pack_type(kind) else {
                panic!("corrupt pack: object {i} has unknown type {kind} under a valid checksum")
            };
            Object {
                kind,
                data: data.to_vec(),
            }
        })
        .collect())
}

fn read_header(bytes: &[u8]) -> Result<u32, PackError> {
    let header = bytes.get(..HEADER).ok_or(PackError::Truncated)?;
    if &header[..4] != SIGNATURE {
        return Err(PackError::BadSignature);
    }
    let version = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
    if version != VERSION {
        return Err(PackError::UnsupportedVersion(version));
    }
    Ok(u32::from_be_bytes([
        header[8], header[9], header[10], header[11],
    ]))
}

fn read_entry_header(bytes: &[u8]) -> Option<(u8, usize)> {
    let header = bytes.get(..ENTRY_HEADER)?;
    let size = u32::from_be_bytes([header[1], header[2], header[3], header[4]]);
    Some((header[0], usize::try_from(size).ok()?))
}

/// Decodes a pack that arrives in chunks straight into `store`, as the HTTP transport
/// does when a fetch is given an object store: `exgit.pack.stream_parse`.
///
/// The stop event carries `objects` (decoded so far) always, `object_count` and
/// `checksum` = `:ok` on success, `error` on failure.
#[span("exgit.pack.stream_parse")]
pub fn stream_parse<C: AsRef<[u8]>>(
    chunks: impl IntoIterator<Item = C>,
    store: &dyn ObjectStore,
) -> Result<u64, PackError> {
    let mut decoder = StreamDecoder::default();
    let mut objects = 0u64;
    match decode_into(chunks, store, &mut decoder, &mut objects) {
        Ok(count) => {
            stop!(
                objects = objects,
                object_count = count,
                checksum = Checksum::Ok
            );
            Ok(u64::from(count))
        }
        Err(error) => {
            stop!(objects = objects, error = &error);
            Err(error)
        }
    }
}

fn decode_into<C: AsRef<[u8]>>(
    chunks: impl IntoIterator<Item = C>,
    store: &dyn ObjectStore,
    decoder: &mut StreamDecoder,
    objects: &mut u64,
) -> Result<u32, PackError> {
    for chunk in chunks {
        for object in decoder.feed(chunk.as_ref())? {
            store.put(object).map_err(PackError::Store)?;
            *objects += 1;
        }
    }
    decoder.finish()
}

/// The state of a pack decoded chunk by chunk: what is buffered is at most one object.
#[derive(Default)]
struct StreamDecoder {
    pending: Vec<u8>,
    sha: Sha1,
    count: Option<u32>,
    decoded: u32,
}

impl StreamDecoder {
    /// Takes one more chunk and returns the objects it completed.
    fn feed(&mut self, chunk: &[u8]) -> Result<Vec<Object>, PackError> {
        self.pending.extend_from_slice(chunk);
        let mut objects = Vec::new();
        loop {
            let Some(count) = self.count else {
                if self.pending.len() < HEADER {
                    break;
                }
                let count = read_header(&self.pending)?;
                self.consume(HEADER);
                self.count = Some(count);
                continue;
            };
            if self.decoded == count {
                // What remains is the trailer.
                if self.pending.len() > TRAILER {
                    return Err(PackError::TrailingData);
                }
                break;
            }
            let Some((kind, size)) = read_entry_header(&self.pending) else {
                break;
            };
            if self.pending.len() < ENTRY_HEADER + size {
                break;
            }
            let kind = ObjectKind::from_pack_type(kind).ok_or(PackError::UnknownType(kind))?;
            let data = self.pending[ENTRY_HEADER..ENTRY_HEADER + size].to_vec();
            self.consume(ENTRY_HEADER + size);
            self.decoded += 1;
            objects.push(Object { kind, data });
        }
        Ok(objects)
    }

    fn consume(&mut self, n: usize) {
        self.sha.update(&self.pending[..n]);
        self.pending.drain(..n);
    }

    /// Checks the trailer once the stream has ended; returns the object count.
    fn finish(&mut self) -> Result<u32, PackError> {
        match self.count {
            Some(count) if self.decoded == count && self.pending.len() == TRAILER => {
                let sha = std::mem::take(&mut self.sha);
                if sha.finish()[..] == self.pending[..] {
                    Ok(count)
                } else {
                    Err(PackError::ChecksumMismatch)
                }
            }
            _ => Err(PackError::Truncated),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    fn sample() -> Vec<Object> {
        vec![Object::blob("one"), Object::blob("two\n")]
    }

    #[test]
    fn a_written_pack_parses_back() {
        assert_eq!(decode(&write(&sample())), Ok(sample()));
    }

    #[test]
    fn streaming_matches_whole_parsing_for_any_chunk_size() {
        let pack = write(&sample());
        for size in [1, 3, 7, pack.len()] {
            let store = MemoryStore::new();
            assert_eq!(
                stream_parse(pack.chunks(size), &store),
                Ok(2),
                "chunks of {size}"
            );
            assert_eq!(store.len(), 2);
        }
    }

    #[test]
    fn damaged_packs_are_refused() {
        let pack = write(&sample());
        assert_eq!(decode(&pack[..pack.len() - 1]), Err(PackError::Truncated));
        assert_eq!(decode(&pack[..10]), Err(PackError::Truncated));
        assert_eq!(
            decode(b"KCAP\0\0\0\x02\0\0\0\0"),
            Err(PackError::BadSignature)
        );
        let mut flipped = pack.clone();
        flipped[HEADER + ENTRY_HEADER] ^= 1;
        assert_eq!(decode(&flipped), Err(PackError::ChecksumMismatch));
        let store = MemoryStore::new();
        assert_eq!(
            stream_parse([&pack[..pack.len() - 5]], &store),
            Err(PackError::Truncated)
        );
    }
}
