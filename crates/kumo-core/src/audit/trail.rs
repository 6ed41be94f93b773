//! The trail on disk: `audit.jsonl` in Kumo's state directory (0600, the directory
//! 0700), one JSON object per line, appended under a lock with one `write` per line,
//! rotated by size to `audit.jsonl.1` … `audit.jsonl.<keep>`. Each line's
//! `unmapped.prev` is the SHA-256 of the line before it, across rotation, so that an
//! edited, removed or reordered line breaks the chain where it happened.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::lock::{FileLock, LockError};

/// The `prev` of the very first line: there is no line before it.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// A line longer than this is not one Kumo wrote.
const MAX_LINE_BYTES: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum TrailError {
    #[error("cannot write the audit trail {path}: {source}; check that the directory is writable")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the audit trail {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Lock(#[from] LockError),
}

/// Where the trail lives and how it rotates.
#[derive(Debug, Clone)]
pub struct Trail {
    dir: PathBuf,
    lock: PathBuf,
    max_bytes: u64,
    keep: u32,
}

/// How far a reader has read: which file (by inode, which a rotation's rename keeps,
/// and the last line read, which tells the file from a new one that reused a freed
/// inode) and how many of its bytes. A follower reads only what was appended since.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    inode: u64,
    offset: u64,
    last_line: Vec<u8>,
}

impl Cursor {
    /// Whether `file` is the one this cursor is in.
    fn is_in(&self, file: &Path) -> bool {
        if inode(file) != Some(self.inode) {
            return false;
        }
        let Some(start) = self.offset.checked_sub(self.last_line.len() as u64) else {
            return false;
        };
        let mut seen = vec![0; self.last_line.len()];
        File::open(file)
            .and_then(|mut f| {
                f.seek(SeekFrom::Start(start))?;
                f.read_exact(&mut seen)
            })
            .is_ok_and(|()| seen == self.last_line)
    }

    /// Past `read`, the bytes just read from the same file.
    fn advance(&mut self, read: &Chunk) {
        self.offset += read.consumed;
        if !read.last_line.is_empty() {
            self.last_line.clone_from(&read.last_line);
        }
    }
}

/// One line of the trail, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The file it is in, and its 1-based line number there.
    pub file: PathBuf,
    pub number: usize,
    pub text: String,
}

/// What `kumo audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact {
        events: usize,
    },
    /// The first line whose `prev` is not the hash of the line before it (or that is
    /// not a record at all): it, or the one before it, was edited, removed or reordered.
    Broken {
        file: PathBuf,
        line: usize,
        reason: String,
    },
}

pub fn hash(line: &str) -> String {
    crate::hex::hex(&Sha256::digest(line.as_bytes()))
}

impl Trail {
    pub fn new(dir: PathBuf, lock: PathBuf, max_bytes: u64, keep: u32) -> Self {
        Self {
            dir,
            lock,
            max_bytes,
            keep,
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join("audit.jsonl")
    }

    fn rotated(&self, n: u32) -> PathBuf {
        self.dir.join(format!("audit.jsonl.{n}"))
    }

    /// Appends `record` (a JSON object) with `unmapped.prev` set, as one line. Returns
    /// the line written.
    pub fn append(&self, mut record: Value) -> Result<String, TrailError> {
        let path = self.path();
        let write_error = |source| TrailError::Write {
            path: path.clone(),
            source,
        };
        let _lock = FileLock::acquire(&self.lock)?;
        crate::fsutil::private_dir(&self.dir).map_err(write_error)?;
        let prev = match last_line(&path).map_err(write_error)? {
            Some(last) => hash(&last),
            None => self.last_rotated_hash().map_err(write_error)?,
        };
        if let Some(unmapped) = record.get_mut("unmapped").and_then(Value::as_object_mut) {
            unmapped.insert("prev".into(), Value::String(prev));
        }
        let line = serde_json::to_string(&record).expect("a record serializes");
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        if size > 0 && size + line.len() as u64 + 1 > self.max_bytes {
            self.rotate().map_err(write_error)?;
        }
        let mut file = open_private(&path).map_err(write_error)?;
        let mut bytes = line.clone().into_bytes();
        bytes.push(b'\n');
        // One write per line: concurrent readers see whole lines.
        file.write_all(&bytes).map_err(write_error)?;
        Ok(line)
    }

    /// The hash of the newest rotated file's last line: the chain goes on across
    /// rotation. [`GENESIS`] when there is none.
    fn last_rotated_hash(&self) -> std::io::Result<String> {
        Ok(match last_line(&self.rotated(1))? {
            Some(last) => hash(&last),
            None => GENESIS.to_owned(),
        })
    }

    /// `audit.jsonl` becomes `.1`, `.1` becomes `.2`, …; beyond `keep` it is dropped.
    fn rotate(&self) -> std::io::Result<()> {
        if self.keep == 0 {
            return std::fs::remove_file(self.path());
        }
        let _ = std::fs::remove_file(self.rotated(self.keep));
        for n in (1..self.keep).rev() {
            let from = self.rotated(n);
            if from.exists() {
                std::fs::rename(&from, self.rotated(n + 1))?;
            }
        }
        std::fs::rename(self.path(), self.rotated(1))
    }

    /// The files of the trail, oldest first.
    fn files(&self) -> Vec<PathBuf> {
        (1..=self.keep)
            .rev()
            .map(|n| self.rotated(n))
            .chain(std::iter::once(self.path()))
            .filter(|p| p.exists())
            .collect()
    }

    /// Every line, oldest first.
    pub fn lines(&self) -> Result<Vec<Line>, TrailError> {
        Ok(self.lines_to_end()?.0)
    }

    /// Every line, oldest first, and the cursor after the last of them.
    pub fn lines_to_end(&self) -> Result<(Vec<Line>, Cursor), TrailError> {
        let mut lines = Vec::new();
        let mut cursor = Cursor::default();
        for file in self.files() {
            let read = read_from(&file, 0)?;
            cursor = Cursor {
                inode: inode(&file).unwrap_or_default(),
                ..Cursor::default()
            };
            cursor.advance(&read);
            lines.extend(read.lines.into_iter().enumerate().map(|(i, text)| Line {
                file: file.clone(),
                number: i + 1,
                text,
            }));
        }
        Ok((lines, cursor))
    }

    /// The lines appended since `cursor`, oldest first, moving it past them. A rotation
    /// meanwhile is followed: the rest of the file the cursor was in (now rotated), then
    /// the new one from its start.
    pub fn appended(&self, cursor: &mut Cursor) -> Result<Vec<String>, TrailError> {
        let current = self.path();
        let now = inode(&current);
        let mut lines = Vec::new();
        if !cursor.is_in(&current) {
            // Oldest first: the rest of the cursor's file, then every file rotated after
            // it (all of them when it was rotated away), the current one last.
            let rotated: Vec<PathBuf> =
                self.files().into_iter().filter(|f| *f != current).collect();
            let at = rotated.iter().position(|file| cursor.is_in(file));
            for (i, file) in rotated.iter().enumerate() {
                match at {
                    Some(at) if i < at => {}
                    Some(at) if i == at => lines.extend(read_from(file, cursor.offset)?.lines),
                    _ => lines.extend(read_from(file, 0)?.lines),
                }
            }
            *cursor = Cursor {
                inode: now.unwrap_or_default(),
                ..Cursor::default()
            };
        }
        if now.is_some() {
            let read = read_from(&current, cursor.offset)?;
            cursor.advance(&read);
            lines.extend(read.lines);
        }
        Ok(lines)
    }

    /// Walks the chain from the oldest kept line. The oldest line's `prev` names a
    /// line rotated away, so it is taken as it is.
    pub fn verify(&self) -> Result<Verification, TrailError> {
        let lines = self.lines()?;
        let mut expected: Option<String> = None;
        for line in &lines {
            let broken = |reason: &str| Verification::Broken {
                file: line.file.clone(),
                line: line.number,
                reason: reason.to_owned(),
            };
            let Ok(record) = serde_json::from_str::<Value>(&line.text) else {
                return Ok(broken("it is not a JSON record"));
            };
            let Some(prev) = record["unmapped"]["prev"].as_str() else {
                return Ok(broken("it has no `prev`"));
            };
            if let Some(expected) = &expected
                && prev != expected
            {
                return Ok(broken(
                    "its `prev` is not the hash of the line before it: a line was edited, removed or reordered here",
                ));
            }
            expected = Some(hash(&line.text));
        }
        Ok(Verification::Intact {
            events: lines.len(),
        })
    }
}

/// What one read of a trail file found.
struct Chunk {
    lines: Vec<String>,
    /// The bytes the complete lines took.
    consumed: u64,
    /// The last complete line with its newline; empty when there was none.
    last_line: Vec<u8>,
}

/// The complete lines of `path` from byte `offset` on (a line still being written is
/// left for the next read).
fn read_from(path: &Path, offset: u64) -> Result<Chunk, TrailError> {
    let read_error = |source| TrailError::Read {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(read_error)?;
    file.seek(SeekFrom::Start(offset)).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(read_error)?;
    let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let last_start = bytes[..complete.saturating_sub(1)]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let text = String::from_utf8_lossy(&bytes[..complete]);
    Ok(Chunk {
        lines: text.lines().map(str::to_owned).collect(),
        consumed: complete as u64,
        last_line: bytes[last_start..complete].to_vec(),
    })
}

/// The file's inode: what stays with it through a rename.
fn inode(path: &Path) -> Option<u64> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        Some(std::os::unix::fs::MetadataExt::ino(&metadata))
    }
    #[cfg(not(unix))]
    {
        // No inode: appends are followed, a rotation is not.
        drop(metadata);
        Some(1)
    }
}

/// Opens the trail for appending, created 0600.
fn open_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// The file's last line, without reading more than its tail.
fn last_line(path: &Path) -> std::io::Result<Option<String>> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let size = file.metadata()?.len();
    let start = size.saturating_sub(MAX_LINE_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)?;
    let text = String::from_utf8_lossy(&tail);
    Ok(text
        .trim_end_matches('\n')
        .rsplit('\n')
        .next()
        .filter(|l| !l.is_empty())
        .map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn trail(dir: &Path, max_bytes: u64, keep: u32) -> Trail {
        Trail::new(dir.join("state"), dir.join("audit.lock"), max_bytes, keep)
    }

    fn record(n: u32) -> Value {
        json!({"class_uid": 3002, "message": format!("event {n}"), "unmapped": {}})
    }

    fn write(trail: &Trail, n: u32) {
        for i in 0..n {
            trail.append(record(i)).unwrap();
        }
    }

    #[test]
    fn each_line_holds_the_hash_of_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(dir.path(), 1 << 20, 3);
        let first = trail.append(record(0)).unwrap();
        let second = trail.append(record(1)).unwrap();
        let prev = |line: &str| {
            serde_json::from_str::<Value>(line).unwrap()["unmapped"]["prev"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(prev(&first), GENESIS);
        assert_eq!(prev(&second), hash(&first));
        assert_eq!(trail.verify().unwrap(), Verification::Intact { events: 2 });
    }

    fn messages(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["message"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn a_follower_reads_only_what_was_appended_since() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(dir.path(), 1 << 20, 3);
        write(&trail, 2);
        let (lines, mut cursor) = trail.lines_to_end().unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(trail.appended(&mut cursor).unwrap(), Vec::<String>::new());
        trail.append(record(7)).unwrap();
        assert_eq!(messages(&trail.appended(&mut cursor).unwrap()), ["event 7"]);
        assert_eq!(trail.appended(&mut cursor).unwrap(), Vec::<String>::new());
    }

    #[cfg(unix)]
    #[test]
    fn a_follower_reads_on_across_a_rotation() {
        let dir = tempfile::tempdir().unwrap();
        // Room for about two lines a file.
        let trail = trail(dir.path(), 200, 3);
        trail.append(record(0)).unwrap();
        let (_, mut cursor) = trail.lines_to_end().unwrap();
        for n in 1..=4 {
            trail.append(record(n)).unwrap();
        }
        assert!(trail.rotated(1).exists(), "the test needs a rotation");
        assert_eq!(
            messages(&trail.appended(&mut cursor).unwrap()),
            ["event 1", "event 2", "event 3", "event 4"]
        );
    }

    #[test]
    fn a_follower_leaves_a_line_still_being_written_for_the_next_read() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(dir.path(), 1 << 20, 3);
        write(&trail, 1);
        let (_, mut cursor) = trail.lines_to_end().unwrap();
        let mut file = OpenOptions::new().append(true).open(trail.path()).unwrap();
        file.write_all(b"{\"message\": \"half").unwrap();
        assert_eq!(trail.appended(&mut cursor).unwrap(), Vec::<String>::new());
        file.write_all(b"\"}\n").unwrap();
        assert_eq!(messages(&trail.appended(&mut cursor).unwrap()), ["half"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_trail_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(dir.path(), 1 << 20, 3);
        write(&trail, 1);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            (mode(&trail.path()), mode(&dir.path().join("state"))),
            (0o600, 0o700)
        );
    }

    fn broken_at(trail: &Trail) -> (String, usize) {
        match trail.verify().unwrap() {
            Verification::Broken { file, line, .. } => (
                file.file_name().unwrap().to_string_lossy().into_owned(),
                line,
            ),
            intact => panic!("not broken: {intact:?}"),
        }
    }

    fn rewrite(path: &Path, change: impl FnOnce(&mut Vec<String>)) {
        let mut lines: Vec<String> = std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        change(&mut lines);
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    }

    #[test]
    fn an_edited_line_breaks_the_chain_at_the_line_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(dir.path(), 1 << 20, 3);
        write(&trail, 5);
        rewrite(&trail.path(), |lines| {
            lines[1] = lines[1].replace("event 1", "event X");
        });
        assert_eq!(broken_at(&trail), ("audit.jsonl".into(), 3));
    }

    #[test]
    fn a_removed_line_breaks_the_chain_where_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(dir.path(), 1 << 20, 3);
        write(&trail, 5);
        rewrite(&trail.path(), |lines| {
            lines.remove(2);
        });
        assert_eq!(broken_at(&trail), ("audit.jsonl".into(), 3));
    }

    #[test]
    fn reordered_lines_break_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(dir.path(), 1 << 20, 3);
        write(&trail, 5);
        rewrite(&trail.path(), |lines| lines.swap(1, 2));
        assert_eq!(broken_at(&trail), ("audit.jsonl".into(), 2));
    }

    #[test]
    fn a_line_that_is_not_a_record_breaks_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(dir.path(), 1 << 20, 3);
        write(&trail, 2);
        rewrite(&trail.path(), |lines| lines.push("garbage".into()));
        assert_eq!(broken_at(&trail), ("audit.jsonl".into(), 3));
    }

    #[test]
    fn the_chain_goes_on_across_rotation_and_old_files_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        // Room for about three records per file.
        let trail = trail(dir.path(), 400, 2);
        write(&trail, 12);
        let names: Vec<String> = trail
            .files()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["audit.jsonl.2", "audit.jsonl.1", "audit.jsonl"]);
        let Verification::Intact { events } = trail.verify().unwrap() else {
            panic!("the chain broke across rotation");
        };
        assert!(events < 12, "{events}");
        let first_of_current = &trail
            .lines()
            .unwrap()
            .into_iter()
            .find(|l| l.file == trail.path())
            .unwrap();
        let prev =
            serde_json::from_str::<Value>(&first_of_current.text).unwrap()["unmapped"]["prev"]
                .as_str()
                .unwrap()
                .to_owned();
        assert_eq!(prev, hash(&last_line(&trail.rotated(1)).unwrap().unwrap()));
    }

    #[test]
    fn a_line_edited_in_a_rotated_file_is_found_there() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(dir.path(), 400, 2);
        write(&trail, 8);
        rewrite(&trail.rotated(1), |lines| {
            lines[0] = lines[0].replace("event", "EVENT");
        });
        assert_eq!(broken_at(&trail), ("audit.jsonl.1".into(), 2));
    }

    #[test]
    fn a_truncated_current_file_breaks_the_chain_at_its_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let trail = trail(dir.path(), 400, 2);
        write(&trail, 8);
        rewrite(&trail.path(), |lines| {
            lines.remove(0);
        });
        assert_eq!(broken_at(&trail), ("audit.jsonl".into(), 1));
    }
}
