//! A transport over in-memory data: a [`Remote`] repository, and the client side
//! ([`Transport`]) that lists its refs, fetches packs from it and pushes to it.
//!
//! The remote answers as a git server would: a fetch gets a pack of what the wanted
//! objects reach minus what the client says it has, optionally without blobs (the
//! `blob:none` filter of partial clones); a push sends a pack and ref updates that the
//! remote applies when their old value still matches.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use telemetry_runtime::{emit, span, stop};

use crate::events::{RefRejected, RejectSource, TransportKind};
use crate::object::{Object, ObjectId, ObjectKind, TreeEntry};
use crate::pack::{self, PackError};
use crate::refs::valid_ref_name;
use crate::store::ObjectStore;

/// A file of a snapshot being committed: its path's components and its content.
type SnapshotFile<'a> = (Vec<&'a str>, &'a [u8]);

/// How many bytes the remote sends per chunk of a pack.
const CHUNK: usize = 512;

/// A repository at the far end of a transport: refs and objects in memory.
///
/// Its refs are whatever it was given, valid names or not: a remote is not to be trusted,
/// which is what the client's validation is for.
#[derive(Default)]
pub struct Remote {
    refs: BTreeMap<String, ObjectId>,
    objects: HashMap<ObjectId, Object>,
}

impl Remote {
    /// An empty remote, shared, as transports hold it.
    pub fn shared() -> Arc<Mutex<Remote>> {
        Arc::new(Mutex::new(Remote::default()))
    }

    /// Stores one object.
    pub fn insert(&mut self, object: Object) -> ObjectId {
        let id = object.id();
        self.objects.insert(id, object);
        id
    }

    /// Commits a snapshot of `files` (paths with `/`, and their content) on `branch`, whose
    /// current tip becomes the parent. Returns the commit's id.
    pub fn commit(&mut self, branch: &str, files: &[(&str, &str)], message: &str) -> ObjectId {
        let tree = self.insert_tree(
            files
                .iter()
                .map(|(path, content)| (path.split('/').collect(), content.as_bytes()))
                .collect(),
        );
        let parents: Vec<ObjectId> = self.refs.get(branch).copied().into_iter().collect();
        let commit = self.insert(Object::commit(tree, &parents, message));
        self.refs.insert(branch.to_owned(), commit);
        commit
    }

    fn insert_tree(&mut self, files: Vec<SnapshotFile<'_>>) -> ObjectId {
        let mut blobs: Vec<TreeEntry> = Vec::new();
        let mut dirs: BTreeMap<&str, Vec<SnapshotFile<'_>>> = BTreeMap::new();
        for (path, content) in files {
            match path.as_slice() {
                [name] => blobs.push(TreeEntry {
                    name: (*name).to_owned(),
                    is_dir: false,
                    id: self.insert(Object::blob(content)),
                }),
                [dir, rest @ ..] => dirs.entry(dir).or_default().push((rest.to_vec(), content)),
                [] => {}
            }
        }
        for (name, files) in dirs {
            blobs.push(TreeEntry {
                name: name.to_owned(),
                is_dir: true,
                id: self.insert_tree(files),
            });
        }
        self.insert(Object::tree(&blobs))
    }

    /// Points `name` at `id`, whatever `name` is.
    pub fn set_ref(&mut self, name: &str, id: ObjectId) {
        self.refs.insert(name.to_owned(), id);
    }

    /// Drops an object, as a garbage collection after a force-push would.
    pub fn forget(&mut self, id: &ObjectId) -> bool {
        self.objects.remove(id).is_some()
    }

    /// The refs, by name.
    pub fn refs(&self) -> &BTreeMap<String, ObjectId> {
        &self.refs
    }

    /// One object, if held.
    pub fn object(&self, id: &ObjectId) -> Option<&Object> {
        self.objects.get(id)
    }

    /// Every object `id` reaches (itself included); blobs only when `blobs`.
    fn reach(&self, id: ObjectId, blobs: bool, seen: &mut HashSet<ObjectId>) {
        let mut stack = vec![id];
        while let Some(id) = stack.pop() {
            let Some(object) = self.objects.get(&id) else {
                continue;
            };
            if object.kind == ObjectKind::Blob && !blobs || !seen.insert(id) {
                continue;
            }
            match object.kind {
                ObjectKind::Commit => {
                    if let Some((tree, parents)) = object.commit_links() {
                        stack.push(tree);
                        stack.extend(parents);
                    }
                }
                ObjectKind::Tree => {
                    stack.extend(
                        object
                            .tree_entries()
                            .unwrap_or_default()
                            .iter()
                            .map(|e| e.id),
                    );
                }
                ObjectKind::Blob => {}
            }
        }
    }

    /// The pack a fetch receives: what the wants reach, less what the haves reach. A want
    /// the remote does not hold is skipped: it answers with what it has.
    fn upload_pack(&self, wants: &[ObjectId], haves: &[ObjectId], filter_blobs: bool) -> Vec<u8> {
        let mut common = HashSet::new();
        for have in haves {
            self.reach(*have, true, &mut common);
        }
        let mut send = HashSet::new();
        for want in wants {
            let explicit_blob = self
                .objects
                .get(want)
                .is_some_and(|o| o.kind == ObjectKind::Blob);
            self.reach(*want, !filter_blobs || explicit_blob, &mut send);
        }
        // An object wanted by id is sent even when a have reaches it: a partial clone
        // holds commits without all that they reach, and asks for exactly what it lacks.
        let mut objects: Vec<&Object> = send
            .iter()
            .filter(|id| wants.contains(id) || !common.contains(id))
            .filter_map(|id| self.objects.get(id))
            .collect();
        // Commits first, then trees, then blobs, as servers order them.
        objects.sort_by_key(|o| (o.kind.pack_type(), o.id()));
        pack::write(objects)
    }

    fn receive_pack(
        &mut self,
        updates: &[RefUpdate],
        pack: &[u8],
    ) -> Result<Vec<RefUpdateStatus>, PackError> {
        for object in pack::decode(pack)? {
            self.insert(object);
        }
        Ok(updates
            .iter()
            .map(|update| {
                if !valid_ref_name(&update.name) {
                    RefUpdateStatus::InvalidName
                } else if self.refs.get(&update.name) != update.old.as_ref() {
                    RefUpdateStatus::Stale
                } else if !self.objects.contains_key(&update.new) {
                    RefUpdateStatus::MissingObject
                } else {
                    self.refs.insert(update.name.clone(), update.new);
                    RefUpdateStatus::Ok
                }
            })
            .collect())
    }
}

/// One ref update of a push.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefUpdate {
    /// The ref to update.
    pub name: String,
    /// The value the pusher believes it has; `None` to create it.
    pub old: Option<ObjectId>,
    /// The new value.
    pub new: ObjectId,
}

/// What the remote did with one ref update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefUpdateStatus {
    /// Applied.
    Ok,
    /// The ref moved since the pusher read it.
    Stale,
    /// The new value is not in the remote or the pack.
    MissingObject,
    /// Not a valid ref name.
    InvalidName,
}

/// Why talking to a remote failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// A URL whose scheme no transport speaks.
    UnsupportedUrl(String),
    /// The pack received or sent was refused.
    Pack(PackError),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::UnsupportedUrl(url) => write!(f, "no transport for {url}"),
            TransportError::Pack(e) => write!(f, "pack: {e}"),
        }
    }
}

impl std::error::Error for TransportError {}

/// The options of a fetch.
#[derive(Clone, Copy, Default)]
pub struct FetchOptions<'a> {
    /// Commits the client holds, so that the remote leaves out what they reach.
    pub haves: &'a [ObjectId],
    /// Decode the pack straight into this store as it arrives (`exgit.pack.stream_parse`)
    /// instead of parsing it whole (`exgit.pack.parse`).
    pub object_store: Option<&'a dyn ObjectStore>,
    /// Leave out the blobs not asked for by id (`blob:none`).
    pub filter_blobs: bool,
}

/// What a fetch brought.
#[derive(Debug, Default)]
pub struct Fetched {
    /// The objects, when the pack was parsed whole; empty when streamed into a store.
    pub objects: Vec<Object>,
    /// Size of the pack, in bytes.
    pub pack_bytes: u64,
    /// Number of objects in the pack.
    pub object_count: u64,
}

/// The client side of a connection to one remote.
#[derive(Clone)]
pub struct Transport {
    kind: TransportKind,
    url: String,
    remote: Arc<Mutex<Remote>>,
}

impl Transport {
    /// A transport to `remote` as reached at `url` (`https://`, `http://` or `file://`).
    pub fn connect(url: &str, remote: Arc<Mutex<Remote>>) -> Result<Self, TransportError> {
        let kind = if url.starts_with("https://") || url.starts_with("http://") {
            TransportKind::Http
        } else if url.starts_with("file://") {
            TransportKind::File
        } else {
            return Err(TransportError::UnsupportedUrl(url.to_owned()));
        };
        Ok(Transport {
            kind,
            url: url.to_owned(),
            remote,
        })
    }

    /// The remote's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn remote(&self) -> std::sync::MutexGuard<'_, Remote> {
        self.remote.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Lists the refs the remote advertises, `HEAD` first when the remote has a `main`
    /// branch. Names that fail validation are dropped and reported as
    /// `exgit.security.ref_rejected` with the URL as `source`.
    #[span("exgit.transport.ls_refs", transport = self.kind, url = self.url.as_str())]
    pub fn ls_refs(&self) -> Result<Vec<(String, ObjectId)>, TransportError> {
        let advertised: Vec<(String, ObjectId)> = {
            let remote = self.remote();
            let head = remote
                .refs
                .get("refs/heads/main")
                .map(|id| ("HEAD".to_owned(), *id));
            head.into_iter()
                .chain(remote.refs.iter().map(|(name, id)| (name.clone(), *id)))
                .collect()
        };
        let mut refs = Vec::with_capacity(advertised.len());
        for (name, id) in advertised {
            if valid_ref_name(&name) {
                refs.push((name, id));
            } else {
                emit!(RefRejected {
                    count: 1,
                    source: RejectSource::Url(&self.url),
                    r#ref: &name,
                });
            }
        }
        stop!(ref_count = refs.len());
        Ok(refs)
    }

    /// Fetches a pack of what `wants` reach. Its stop event reports `result_bytes` and
    /// `object_count`, both zero when the fetch failed.
    #[span(
        "exgit.transport.fetch",
        transport = self.kind,
        url = self.url.as_str(),
        wants_count = wants.len()
    )]
    pub fn fetch(
        &self,
        wants: &[ObjectId],
        options: &FetchOptions<'_>,
    ) -> Result<Fetched, TransportError> {
        stop!(result_bytes = 0u64, object_count = 0u64);
        let pack = self
            .remote()
            .upload_pack(wants, options.haves, options.filter_blobs);
        let fetched = match options.object_store {
            Some(store) => Fetched {
                object_count: pack::stream_parse(pack.chunks(CHUNK), store)
                    .map_err(TransportError::Pack)?,
                objects: Vec::new(),
                pack_bytes: pack.len() as u64,
            },
            None => {
                let objects = pack::parse(&pack).map_err(TransportError::Pack)?;
                Fetched {
                    object_count: objects.len() as u64,
                    objects,
                    pack_bytes: pack.len() as u64,
                }
            }
        };
        stop!(
            result_bytes = fetched.pack_bytes,
            object_count = fetched.object_count
        );
        Ok(fetched)
    }

    /// Sends `pack` and `updates`; returns what the remote did with each update.
    #[span(
        "exgit.transport.push",
        transport = self.kind,
        url = self.url.as_str(),
        update_count = updates.len(),
        pack_bytes = pack.len()
    )]
    pub fn push(
        &self,
        updates: &[RefUpdate],
        pack: &[u8],
    ) -> Result<Vec<RefUpdateStatus>, TransportError> {
        self.remote()
            .receive_pack(updates, pack)
            .map_err(TransportError::Pack)
    }
}
