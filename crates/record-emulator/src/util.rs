//! Small helpers shared by the vendor modules: query-string parsing, hex, ids, time text.

use percent_encoding::percent_decode;
use std::fmt::Write as _;

/// One `name=value` pair of a raw query string, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryPair {
    /// The decoded name.
    pub name: String,
    /// The decoded value.
    pub value: String,
    /// The value as it appeared on the wire (still percent-encoded).
    pub raw_value: String,
}

/// Splits a raw query string (without `?`) into decoded pairs, in order.
///
/// `plus_as_space` decodes `+` as a space, as HTML-form decoders (Go's `url.ParseQuery`,
/// Python's `parse_qs`) do. Bytes that are not valid UTF-8 once decoded are replaced
/// (lossy), which makes any signature over them fail instead of panicking.
pub(crate) fn parse_query(raw: &str, plus_as_space: bool) -> Vec<QueryPair> {
    raw.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            QueryPair {
                name: decode_component(name, plus_as_space),
                value: decode_component(value, plus_as_space),
                raw_value: value.to_owned(),
            }
        })
        .collect()
}

/// Percent-decodes one query component.
pub(crate) fn decode_component(text: &str, plus_as_space: bool) -> String {
    let replaced;
    let text = if plus_as_space && text.contains('+') {
        replaced = text.replace('+', " ");
        replaced.as_str()
    } else {
        text
    };
    percent_decode(text.as_bytes())
        .decode_utf8_lossy()
        .into_owned()
}

/// The first decoded value of `name`, if present.
pub(crate) fn first<'a>(pairs: &'a [QueryPair], name: &str) -> Option<&'a QueryPair> {
    pairs.iter().find(|p| p.name == name)
}

/// Lowercase hex of `bytes`.
pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A random string of `len` characters from `alphabet` (ASCII).
pub(crate) fn random_string(len: usize, alphabet: &[u8]) -> String {
    use rand::Rng as _;
    let mut rng = rand::rng();
    (0..len)
        .map(|_| {
            let i = rng.random_range(0..alphabet.len().max(1));
            char::from(alphabet.get(i).copied().unwrap_or(b'0'))
        })
        .collect()
}

/// Letters and digits.
pub(crate) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Lowercase hex digits.
pub(crate) const HEX: &[u8] = b"0123456789abcdef";

/// A request id in the style of a vendor: `digits` decimal digits.
pub(crate) fn numeric_id(digits: usize) -> String {
    random_string(digits, b"0123456789")
}

/// Formats Unix milliseconds at a fixed UTC offset (hours) with a `time` format
/// description; `None` when out of range.
pub(crate) fn format_at_offset(
    ms: i64,
    offset_hours: i8,
    format: &[time::format_description::BorrowedFormatItem<'_>],
) -> Option<String> {
    let offset = time::UtcOffset::from_hms(offset_hours, 0, 0).ok()?;
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    t.to_offset(offset).format(format).ok()
}

/// Parses a UTC time written exactly as `pattern`, where `Y`, `M`, `D`, `h`, `m`, `s` stand
/// for digits of the year (4), month, day, hour, minute and second (2 each) and every other
/// character must match itself; returns Unix seconds.
///
/// ```text
/// parse_utc("2021-10-15T06:44:58Z", "YYYY-MM-DDThh:mm:ssZ") == Some(1634280298)
/// ```
pub(crate) fn parse_utc(text: &str, pattern: &str) -> Option<i64> {
    if text.len() != pattern.len() || !text.is_ascii() {
        return None;
    }
    let mut fields = [0u32; 6];
    for (t, p) in text.bytes().zip(pattern.bytes()) {
        let slot = match p {
            b'Y' => 0,
            b'M' => 1,
            b'D' => 2,
            b'h' => 3,
            b'm' => 4,
            b's' => 5,
            other => {
                if t != other {
                    return None;
                }
                continue;
            }
        };
        if !t.is_ascii_digit() {
            return None;
        }
        fields[slot] = fields[slot] * 10 + u32::from(t - b'0');
    }
    let [year, month, day, hour, minute, second] = fields;
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date =
        time::Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?)
            .ok()?;
    let clock = time::Time::from_hms(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()?;
    Some(
        time::PrimitiveDateTime::new(date, clock)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// Constant-time-ish equality of two byte strings (no early exit on the first difference).
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_decodes_queries() {
        let pairs = parse_query("a=1&b=x%20y+z&c&&d=%E4%B8%AD", true);
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(got, [("a", "1"), ("b", "x y z"), ("c", ""), ("d", "中")]);
        assert_eq!(parse_query("s=a+b", false)[0].value, "a+b");
        assert_eq!(parse_query("s=%ZZ", false)[0].value, "%ZZ");
    }

    #[test]
    fn parses_utc_times() {
        assert_eq!(
            parse_utc("2021-10-15T06:44:58Z", "YYYY-MM-DDThh:mm:ssZ"),
            Some(1_634_280_298)
        );
        assert_eq!(
            parse_utc("20240619T071306Z", "YYYYMMDDThhmmssZ"),
            Some(1_718_781_186)
        );
        assert_eq!(parse_utc("20240619T071306", "YYYYMMDDThhmmssZ"), None);
        assert_eq!(parse_utc("20241319T071306Z", "YYYYMMDDThhmmssZ"), None);
        assert_eq!(parse_utc("2024061xT071306Z", "YYYYMMDDThhmmssZ"), None);
    }

    #[test]
    fn hex_and_equality() {
        assert_eq!(lower_hex(&[0, 0xab, 0x10]), "00ab10");
        assert!(same_bytes(b"abc", b"abc"));
        assert!(!same_bytes(b"abc", b"abd"));
        assert!(!same_bytes(b"abc", b"ab"));
    }
}
