//! `serverResponse.fileList`: a string in one configuration, an array in the others.

use crate::FileListEntry;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// The recorded files of an individual or mix recording (`serverResponse.fileList`).
///
/// Its JSON type depends on `serverResponse.fileListMode` (facts §4.3):
///
/// * `"string"` (mix mode with `avFileType = ["hls"]`): the name of the M3U8 file, a JSON
///   string → [`FileList::M3u8`];
/// * `"json"` (mix mode with HLS + MP4, and individual mode): a JSON array of file entries →
///   [`FileList::Entries`].
///
/// The variant is chosen from the JSON type itself, so a body whose `fileListMode` is missing
/// (the oldest legacy doc) or undocumented still decodes. Both forms serialize back unchanged.
///
/// ```
/// use agora_record::FileList;
/// let hls: FileList = serde_json::from_str(r#""sid_room.m3u8""#)?;
/// assert_eq!(hls.as_m3u8(), Some("sid_room.m3u8"));
/// assert_eq!(hls.file_names(), ["sid_room.m3u8"]);
///
/// let entries: FileList = serde_json::from_str(
///     r#"[{"fileName": "a.m3u8", "trackType": "audio", "uid": "123",
///          "mixedAllUser": false, "isPlayable": true, "sliceStartTime": 1700000002000}]"#,
/// )?;
/// assert_eq!(entries.as_entries().map(<[_]>::len), Some(1));
/// assert_eq!(entries.file_names(), ["a.m3u8"]);
/// assert!(!entries.is_empty());
///
/// // An entry without a `fileName` names no file.
/// let unnamed: FileList = serde_json::from_str(r#"[{"trackType": "audio"}]"#)?;
/// assert_eq!(unnamed.as_entries().map(<[_]>::len), Some(1));
/// assert!(unnamed.file_names().is_empty() && unnamed.is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum FileList {
    /// `fileListMode` `"string"`: the name of the generated M3U8 file.
    M3u8(String),
    /// `fileListMode` `"json"`: one entry per recorded file.
    Entries(Vec<FileListEntry>),
}

impl FileList {
    /// The M3U8 file name, when the list is in its string form.
    pub fn as_m3u8(&self) -> Option<&str> {
        match self {
            Self::M3u8(name) => Some(name),
            Self::Entries(_) => None,
        }
    }

    /// The file entries, when the list is in its array form.
    pub fn as_entries(&self) -> Option<&[FileListEntry]> {
        match self {
            Self::M3u8(_) => None,
            Self::Entries(entries) => Some(entries),
        }
    }

    /// Every file name the list holds, in order: the M3U8 name, or each entry's `fileName`.
    /// Empty names, and entries without a `fileName`, name no file and are skipped (the
    /// entries themselves stay in [`FileList::as_entries`]).
    pub fn file_names(&self) -> Vec<&str> {
        match self {
            Self::M3u8(name) => [name.as_str()]
                .into_iter()
                .filter(|n| !n.is_empty())
                .collect(),
            Self::Entries(entries) => entries
                .iter()
                .filter_map(|e| e.file_name.as_deref())
                .filter(|n| !n.is_empty())
                .collect(),
        }
    }

    /// True when the list names no file: [`FileList::file_names`] is empty (an empty
    /// string, an empty array, or entries none of which has a non-empty `fileName`).
    pub fn is_empty(&self) -> bool {
        match self {
            Self::M3u8(name) => name.is_empty(),
            Self::Entries(entries) => entries
                .iter()
                .all(|e| e.file_name.as_deref().is_none_or(str::is_empty)),
        }
    }
}

impl Serialize for FileList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::M3u8(name) => s.serialize_str(name),
            Self::Entries(entries) => entries.serialize(s),
        }
    }
}

struct FileListVisitor;

impl<'de> Visitor<'de> for FileListVisitor {
    type Value = FileList;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an M3U8 file name (string) or an array of file entries")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<FileList, E> {
        Ok(FileList::M3u8(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<FileList, E> {
        Ok(FileList::M3u8(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FileList, A::Error> {
        let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(entry) = seq.next_element::<FileListEntry>()? {
            entries.push(entry);
        }
        Ok(FileList::Entries(entries))
    }
}

impl<'de> Deserialize<'de> for FileList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FileListVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_other_json_types() {
        for bad in ["42", "true", r#"{"fileName": "a"}"#] {
            let err = serde_json::from_str::<FileList>(bad)
                .err()
                .map(|e| e.to_string());
            assert!(
                err.as_deref().is_some_and(|e| e.contains("M3U8 file name")),
                "{bad}: {err:?}"
            );
        }
    }

    #[test]
    fn both_forms_round_trip() -> Result<(), serde_json::Error> {
        for json in [r#""x.m3u8""#, "[]", r#"[{"fileName":"a.mp4","uid":"0"}]"#] {
            let list: FileList = serde_json::from_str(json)?;
            assert_eq!(serde_json::to_string(&list)?, json);
        }
        Ok(())
    }
}
