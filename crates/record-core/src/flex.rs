//! Lenient deserializers for vendors that send numbers (or booleans) as JSON strings.
//!
//! QingCloud documents `pid`, `status`, `size` and `is_mix` as strings but sends numbers;
//! Agora's legacy pages show `"status":"5"` and `"mixedAllUser":"true"`. Fields marked
//! `flex = true` in a spec use these functions: they accept the JSON type *and* its string
//! form, and reject anything else with a clear error. Values serialize back in their
//! natural JSON type.

use crate::{DurationMillis, UnixMillis, UnixSeconds};
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A value that can be read from a JSON number, boolean or string form.
pub trait FlexValue: Sized {
    /// What the error message says was expected.
    const EXPECTING: &'static str;
    /// From a signed integer.
    fn from_i64(v: i64) -> Option<Self>;
    /// From an unsigned integer.
    fn from_u64(v: u64) -> Option<Self>;
    /// From a float (only integral floats are accepted for integer types).
    fn from_f64(v: f64) -> Option<Self>;
    /// From a boolean.
    fn from_bool(_v: bool) -> Option<Self> {
        None
    }
    /// From the string form.
    fn from_text(v: &str) -> Option<Self>;
}

macro_rules! flex_int {
    ($($t:ty),*) => {$(
        impl FlexValue for $t {
            const EXPECTING: &'static str = concat!("a ", stringify!($t), " as a JSON number or numeric string");
            fn from_i64(v: i64) -> Option<Self> { <$t>::try_from(v).ok() }
            fn from_u64(v: u64) -> Option<Self> { <$t>::try_from(v).ok() }
            fn from_f64(v: f64) -> Option<Self> {
                if v.fract() == 0.0 && v.is_finite() && v >= i64::MIN as f64 && v <= i64::MAX as f64 {
                    Self::from_i64(v as i64)
                } else {
                    None
                }
            }
            fn from_text(v: &str) -> Option<Self> { v.trim().parse().ok() }
        }
    )*};
}
flex_int!(i32, i64, u32, u64, u16, u8);

impl FlexValue for f64 {
    const EXPECTING: &'static str = "a number or numeric string";
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
    fn from_text(v: &str) -> Option<Self> {
        v.trim().parse().ok()
    }
}

impl FlexValue for bool {
    const EXPECTING: &'static str = "a boolean, 0/1, or \"true\"/\"false\"";
    fn from_i64(v: i64) -> Option<Self> {
        match v {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn from_u64(v: u64) -> Option<Self> {
        Self::from_i64(i64::try_from(v).ok()?)
    }
    fn from_f64(_v: f64) -> Option<Self> {
        None
    }
    fn from_bool(v: bool) -> Option<Self> {
        Some(v)
    }
    fn from_text(v: &str) -> Option<Self> {
        match v.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        }
    }
}

macro_rules! flex_newtype {
    ($($t:ident),*) => {$(
        impl FlexValue for $t {
            const EXPECTING: &'static str = concat!(stringify!($t), " as a JSON integer or numeric string");
            fn from_i64(v: i64) -> Option<Self> { Some($t(v)) }
            fn from_u64(v: u64) -> Option<Self> { i64::try_from(v).ok().map($t) }
            fn from_f64(v: f64) -> Option<Self> { i64::from_f64(v).map($t) }
            fn from_text(v: &str) -> Option<Self> { i64::from_text(v).map($t) }
        }
    )*};
}
flex_newtype!(UnixMillis, UnixSeconds, DurationMillis);

struct FlexVisitor<T>(PhantomData<T>);

impl<'de, T: FlexValue> Visitor<'de> for FlexVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::from_i64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_u64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        T::from_f64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        T::from_bool(v).ok_or_else(|| E::invalid_type(de::Unexpected::Bool(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::from_text(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

struct FlexOptionVisitor<T>(PhantomData<T>);

impl<'de, T: FlexValue> Visitor<'de> for FlexOptionVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "null or {}", T::EXPECTING)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        deserialize(d).map(Some)
    }
}

/// Deserializes a `T` from its JSON type or its string form.
pub fn deserialize<'de, D: Deserializer<'de>, T: FlexValue>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(FlexVisitor(PhantomData))
}

/// Deserializes an `Option<T>`: `null` is `None`, otherwise as [`deserialize`].
/// Use with `#[serde(default)]` so that an absent field is `None` too.
pub fn deserialize_option<'de, D: Deserializer<'de>, T: FlexValue>(
    d: D,
) -> Result<Option<T>, D::Error> {
    d.deserialize_option(FlexOptionVisitor(PhantomData))
}

struct TextVisitor<T>(fn(&str) -> T);

impl<'de, T> Visitor<'de> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}

/// Deserializes a JSON string through `from` without an intermediate allocation
/// (used by the generated string enumerations).
pub fn deserialize_text<'de, D: Deserializer<'de>, T>(
    d: D,
    from: fn(&str) -> T,
) -> Result<T, D::Error> {
    d.deserialize_str(TextVisitor(from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Probe {
        #[serde(deserialize_with = "deserialize")]
        n: i64,
        #[serde(default, deserialize_with = "deserialize_option")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "deserialize_option")]
        t: Option<UnixMillis>,
    }

    fn probe(json: &str) -> Result<Probe, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn accepts_numbers_and_numeric_strings() -> Result<(), serde_json::Error> {
        let p = probe(r#"{"n": 5, "b": true, "t": 1562724971626}"#)?;
        assert_eq!(
            (p.n, p.b, p.t),
            (5, Some(true), Some(UnixMillis(1_562_724_971_626)))
        );
        let p = probe(r#"{"n": "5", "b": "false", "t": "1562724971626"}"#)?;
        assert_eq!(
            (p.n, p.b, p.t),
            (5, Some(false), Some(UnixMillis(1_562_724_971_626)))
        );
        let p = probe(r#"{"n": 7, "b": null}"#)?;
        assert_eq!((p.b, p.t), (None, None));
        Ok(())
    }

    #[test]
    fn rejects_garbage_with_a_clear_message() {
        let err = probe(r#"{"n": "five"}"#).err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("numeric string")));
        assert!(probe(r#"{"n": 1.5}"#).is_err());
        assert!(probe(r#"{"n": [1]}"#).is_err());
        assert!(probe(r#"{"n": 1, "b": "yes"}"#).is_err());
        assert!(probe(r#"{"n": 99999999999999999999}"#).is_err());
    }
}
