//! Git objects: blobs, trees and commits, with their SHA-1 ids computed as git does.

use std::fmt;

/// A 20-byte object id (SHA-1), shown in hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(pub [u8; 20]);

/// An id is reported as its 20 raw bytes (a binary, as exgit does), so an argument
/// `sha: &ObjectId` supplies a `bytes` key by itself.
impl telemetry_runtime::kind::IsBytes for ObjectId {}

impl telemetry_runtime::ToValue for ObjectId {
    fn to_value(&self) -> telemetry_runtime::Value<'_> {
        telemetry_runtime::Value::Bytes(&self.0)
    }
}

impl ObjectId {
    /// The raw bytes: what telemetry reports as `sha` (a binary, as exgit does).
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// Parses 40 hex digits.
    pub fn from_hex(hex: &str) -> Option<Self> {
        let bytes = hex.as_bytes();
        if bytes.len() != 40 {
            return None;
        }
        let mut id = [0u8; 20];
        for (out, pair) in id.iter_mut().zip(bytes.chunks_exact(2)) {
            let digit = |b: u8| (b as char).to_digit(16);
            *out = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()?;
        }
        Some(ObjectId(id))
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectId({self})")
    }
}

/// Incremental SHA-1, for object ids and the trailing checksum of packs (which the
/// streaming parser computes chunk by chunk).
#[derive(Clone, Default)]
pub struct Sha1(sha1::Sha1);

impl Sha1 {
    /// The digest of `data`.
    pub fn digest(data: &[u8]) -> [u8; 20] {
        <sha1::Sha1 as sha1::Digest>::digest(data).into()
    }

    /// Feeds more bytes.
    pub fn update(&mut self, data: &[u8]) {
        sha1::Digest::update(&mut self.0, data);
    }

    /// The digest of everything fed so far.
    pub fn finish(self) -> [u8; 20] {
        sha1::Digest::finalize(self.0).into()
    }
}

/// The kind of an object, with its type number in packs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A snapshot with parents and a message.
    Commit,
    /// A directory listing.
    Tree,
    /// File content.
    Blob,
}

impl ObjectKind {
    /// The name git hashes into the id.
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Commit => "commit",
            ObjectKind::Tree => "tree",
            ObjectKind::Blob => "blob",
        }
    }

    /// The type number of packs.
    pub fn pack_type(self) -> u8 {
        match self {
            ObjectKind::Commit => 1,
            ObjectKind::Tree => 2,
            ObjectKind::Blob => 3,
        }
    }

    /// The kind with this pack type number.
    pub fn from_pack_type(t: u8) -> Option<Self> {
        match t {
            1 => Some(ObjectKind::Commit),
            2 => Some(ObjectKind::Tree),
            3 => Some(ObjectKind::Blob),
            _ => None,
        }
    }
}

/// One object: its kind and its content.
#[derive(Clone, PartialEq, Eq)]
pub struct Object {
    /// Commit, tree or blob.
    pub kind: ObjectKind,
    /// The content, in git's format.
    pub data: Vec<u8>,
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({} bytes)",
            self.kind.name(),
            self.id(),
            self.data.len()
        )
    }
}

/// One entry of a tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeEntry {
    /// The entry's name within its directory.
    pub name: String,
    /// A directory (a tree) or a file (a blob).
    pub is_dir: bool,
    /// The id of the tree or blob.
    pub id: ObjectId,
}

impl Object {
    /// A blob holding `content`.
    pub fn blob(content: impl Into<Vec<u8>>) -> Self {
        Object {
            kind: ObjectKind::Blob,
            data: content.into(),
        }
    }

    /// A tree listing `entries`, sorted by name as git requires.
    pub fn tree(entries: &[TreeEntry]) -> Self {
        let mut sorted: Vec<&TreeEntry> = entries.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        let mut data = Vec::new();
        for entry in sorted {
            let mode = if entry.is_dir { "40000" } else { "100644" };
            data.extend_from_slice(format!("{mode} {}\0", entry.name).as_bytes());
            data.extend_from_slice(entry.id.as_bytes());
        }
        Object {
            kind: ObjectKind::Tree,
            data,
        }
    }

    /// A commit of `tree` with `parents` and `message`.
    pub fn commit(tree: ObjectId, parents: &[ObjectId], message: &str) -> Self {
        let mut text = format!("tree {tree}\n");
        for parent in parents {
            text.push_str(&format!("parent {parent}\n"));
        }
        text.push('\n');
        text.push_str(message);
        Object {
            kind: ObjectKind::Commit,
            data: text.into_bytes(),
        }
    }

    /// The object's id: the SHA-1 of `"<kind> <size>\0"` and the content.
    pub fn id(&self) -> ObjectId {
        let mut sha = Sha1::default();
        sha.update(format!("{} {}\0", self.kind.name(), self.data.len()).as_bytes());
        sha.update(&self.data);
        ObjectId(sha.finish())
    }

    /// The content's size in bytes.
    pub fn size(&self) -> u64 {
        self.data.len() as u64
    }

    /// The entries of a tree; `None` when this is not a well-formed tree.
    pub fn tree_entries(&self) -> Option<Vec<TreeEntry>> {
        if self.kind != ObjectKind::Tree {
            return None;
        }
        let mut entries = Vec::new();
        let mut rest = &self.data[..];
        while !rest.is_empty() {
            let nul = rest.iter().position(|&b| b == 0)?;
            let header = std::str::from_utf8(&rest[..nul]).ok()?;
            let (mode, name) = header.split_once(' ')?;
            let id: [u8; 20] = rest.get(nul + 1..nul + 21)?.try_into().ok()?;
            entries.push(TreeEntry {
                name: name.to_owned(),
                is_dir: mode == "40000",
                id: ObjectId(id),
            });
            rest = &rest[nul + 21..];
        }
        Some(entries)
    }

    /// The tree and the parents of a commit; `None` when this is not a well-formed commit.
    pub fn commit_links(&self) -> Option<(ObjectId, Vec<ObjectId>)> {
        if self.kind != ObjectKind::Commit {
            return None;
        }
        let text = std::str::from_utf8(&self.data).ok()?;
        let mut tree = None;
        let mut parents = Vec::new();
        for line in text.lines().take_while(|l| !l.is_empty()) {
            match line.split_once(' ') {
                Some(("tree", hex)) => tree = ObjectId::from_hex(hex),
                Some(("parent", hex)) => parents.push(ObjectId::from_hex(hex)?),
                _ => {}
            }
        }
        Some((tree?, parents))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_ids_git_computes() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            Object::blob("hello\n").id().to_string(),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        // The empty tree every git user has met.
        assert_eq!(
            Object::tree(&[]).id().to_string(),
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        );
    }

    #[test]
    fn trees_and_commits_read_back() {
        let blob = Object::blob("x");
        let entry = TreeEntry {
            name: "a.txt".into(),
            is_dir: false,
            id: blob.id(),
        };
        let tree = Object::tree(std::slice::from_ref(&entry));
        assert_eq!(tree.tree_entries(), Some(vec![entry]));
        let commit = Object::commit(tree.id(), &[blob.id()], "msg");
        assert_eq!(commit.commit_links(), Some((tree.id(), vec![blob.id()])));
        assert_eq!(ObjectId::from_hex(&blob.id().to_string()), Some(blob.id()));
    }
}
