//! Macros for the open vendor enumerations of the callback models: every documented value
//! is a variant, any other value is kept in `Unknown` and serializes back unchanged.

/// An open integer enumeration: documented values as variants, anything else in
/// `Unknown(i64)`. (De)serializes as the raw integer; a number sent as a string is accepted
/// (`record_core::flex`).
///
/// ```
/// record_core::open_int_enum! {
///     /// Upload result.
///     pub enum Upload {
///         /// All uploaded.
///         All = 1,
///         /// Some uploaded.
///         Some = 2,
///     }
/// }
/// assert_eq!(Upload::from_raw(2), Upload::Some);
/// assert_eq!(Upload::from_raw(9).raw(), 9);
/// ```
#[macro_export]
macro_rules! open_int_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $raw:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value the vendor docs do not define, kept exactly as received.
            Unknown(i64),
        }

        impl $name {
            /// The value for a raw integer; undocumented integers become `Unknown`.
            pub const fn from_raw(raw: i64) -> Self {
                match raw {
                    $( $raw => Self::$variant, )*
                    other => Self::Unknown(other),
                }
            }

            /// The raw integer, as the vendor sends it.
            pub const fn raw(self) -> i64 {
                match self {
                    $( Self::$variant => $raw, )*
                    Self::Unknown(raw) => raw,
                }
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.raw())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::flex::deserialize::<D, i64>(d).map(Self::from_raw)
            }
        }
    };
}

/// An open string enumeration: documented values as variants, anything else in
/// `Unknown(String)`. (De)serializes as the raw string.
///
/// ```
/// record_core::open_str_enum! {
///     /// A result.
///     pub enum Outcome {
///         /// Done.
///         Done = "done",
///     }
/// }
/// assert_eq!(Outcome::from_raw("done"), Outcome::Done);
/// assert_eq!(Outcome::from_raw("new").raw(), "new");
/// ```
#[macro_export]
macro_rules! open_str_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $raw:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value the vendor docs do not define, kept exactly as received.
            Unknown(String),
        }

        impl $name {
            /// The value for a raw string; undocumented strings become `Unknown`.
            pub fn from_raw(raw: &str) -> Self {
                match raw {
                    $( $raw => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }

            /// The raw string, as the vendor sends it.
            pub fn raw(&self) -> &str {
                match self {
                    $( Self::$variant => $raw, )*
                    Self::Unknown(raw) => raw,
                }
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.raw())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as $crate::__serde::Deserialize>::deserialize(d).map(|s| Self::from_raw(&s))
            }
        }
    };
}
