//! One pass over a 2xx body that yields the typed value and, on the side, the top-level members
//! the envelope check needs (`RequestId`, `Code`, `Message`, `Success`).
//!
//! The typed decode drives: `T::deserialize` runs on a wrapper of the JSON deserializer that
//! watches the top-level object's keys and, for the four watched ones, the scalar values that
//! pass by (whether `T` stores them or skips them). Nothing is buffered. Hand-written because
//! serde offers no way to observe a map while another `Deserialize` consumes it.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

/// A watched top-level member.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    RequestId,
    Code,
    Message,
    Success,
}

impl Field {
    /// The names [`Probe`](super::Probe) reads (each with its lower-camel alias).
    fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "RequestId" | "requestId" => Field::RequestId,
            "Code" | "code" => Field::Code,
            "Message" | "message" => Field::Message,
            "Success" | "success" => Field::Success,
            _ => return None,
        })
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A scalar seen as a watched member's value.
#[derive(Default)]
pub(super) enum Scalar {
    /// Nothing yet.
    #[default]
    Absent,
    Null,
    /// An array or object, or a string that was not kept.
    Other,
    Str(String),
    /// A string read straight out of the body (no escapes): where it lies, not a copy.
    At(std::ops::Range<usize>),
    Bool(bool),
    /// A number, as `serde_json` prints it.
    Number(String),
}

/// What the pass saw of the watched members.
pub(super) struct Seen {
    /// The body's address range: a `RequestId` string inside it is recorded by position.
    body: std::ops::Range<usize>,
    pub(super) request_id: Scalar,
    pub(super) code: Scalar,
    /// `Message` present and not `null`.
    pub(super) message: bool,
    pub(super) success: Scalar,
    /// Fields seen so far (one bit each).
    fields: u8,
    /// A watched member given twice (or under both spellings): serde's derive rejects that, and
    /// so the caller falls back to it.
    pub(super) repeated: bool,
}

impl Seen {
    /// Watching a pass over `body`.
    pub(super) fn over(body: &[u8]) -> Self {
        let start = body.as_ptr() as usize;
        Seen {
            body: start..start + body.len(),
            request_id: Scalar::Absent,
            code: Scalar::Absent,
            message: false,
            success: Scalar::Absent,
            fields: 0,
            repeated: false,
        }
    }

    /// Where `text` lies in the body, when it is a slice of it.
    fn position(&self, text: &str) -> Option<std::ops::Range<usize>> {
        let at = text.as_ptr() as usize;
        let end = at.checked_add(text.len())?;
        (self.body.start <= at && end <= self.body.end)
            .then(|| at - self.body.start..end - self.body.start)
    }

    fn record(&mut self, field: Field, value: Scalar) {
        match field {
            Field::RequestId => self.request_id = value,
            Field::Code => self.code = value,
            Field::Success => self.success = value,
            Field::Message => self.message = !matches!(value, Scalar::Null | Scalar::Absent),
        }
    }
}

/// `T::deserialize` over `de`, watching `T`'s top-level object into `seen`.
pub(super) fn deserialize<'de, T, D>(de: D, seen: &mut Seen) -> Result<T, D::Error>
where
    T: de::Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(Top { de, seen })
}

/// Forwards the scalar `visit_*` methods of a visitor wrapper to `self.visitor`, calling
/// `self.saw(..)` first where a value is worth keeping.
macro_rules! forward_scalars {
    () => {
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.visitor.expecting(f)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
            let visitor = self.saw(Scalar::Bool(v));
            visitor.visit_bool(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
            let visitor = self.saw(Scalar::Number(v.to_string()));
            visitor.visit_i64(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
            let visitor = self.saw(Scalar::Number(v.to_string()));
            visitor.visit_u64(v)
        }
        fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
            let visitor = self.saw(Scalar::Number(v.to_string()));
            visitor.visit_i128(v)
        }
        fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
            let visitor = self.saw(Scalar::Number(v.to_string()));
            visitor.visit_u128(v)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
            let text = serde_json::Number::from_f64(v)
                .map_or(Scalar::Other, |n| Scalar::Number(n.to_string()));
            let visitor = self.saw(text);
            visitor.visit_f64(v)
        }
        fn visit_char<E: de::Error>(self, v: char) -> Result<V::Value, E> {
            self.visitor.visit_char(v)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
            let visitor = self.saw_str(v);
            visitor.visit_str(v)
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
            let visitor = self.saw_str(v);
            visitor.visit_borrowed_str(v)
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
            let visitor = self.saw_str(&v);
            visitor.visit_string(v)
        }
        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
            self.visitor.visit_bytes(v)
        }
        fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
            self.visitor.visit_borrowed_bytes(v)
        }
        fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
            self.visitor.visit_byte_buf(v)
        }
        fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
            let visitor = self.saw(Scalar::Null);
            visitor.visit_unit()
        }
        fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
            let visitor = self.saw(Scalar::Null);
            visitor.visit_none()
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
            let visitor = self.saw(Scalar::Other);
            visitor.visit_seq(seq)
        }
        fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
            self.visitor.visit_enum(data)
        }
    };
}

/// The top-level deserializer: every request becomes `deserialize_any`, whose visitor wraps
/// the object's [`MapAccess`] (a derived struct visits a JSON object the same either way).
struct Top<'s, D> {
    de: D,
    seen: &'s mut Seen,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Top<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_any(TopVisitor {
            visitor,
            seen: self.seen,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

struct TopVisitor<'s, V> {
    visitor: V,
    seen: &'s mut Seen,
}

impl<'de, V: Visitor<'de>> TopVisitor<'_, V> {
    fn saw(self, _: Scalar) -> V {
        self.visitor
    }

    fn saw_str(self, _: &str) -> V {
        self.visitor
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TopVisitor<'_, V> {
    type Value = V::Value;

    forward_scalars!();

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(d)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(TopMap {
            map,
            seen: self.seen,
            pending: None,
        })
    }
}

/// The top-level object: keys are watched, and the value of a watched key is observed.
struct TopMap<'s, A> {
    map: A,
    seen: &'s mut Seen,
    pending: Option<Field>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TopMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.pending = None;
        self.map.next_key_seed(Watch {
            seed,
            obs: KeyObs(&mut self.pending),
        })
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let Some(field) = self.pending.take() else {
            return self.map.next_value_seed(seed);
        };
        if self.seen.fields & field.bit() != 0 {
            self.seen.repeated = true;
        }
        self.seen.fields |= field.bit();
        self.map.next_value_seed(Watch {
            seed,
            obs: ValueObs {
                field,
                seen: self.seen,
            },
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// What a watched key or value is reported to.
trait Observer {
    fn observe(&mut self, value: Scalar);
    fn observe_str(&mut self, value: &str);
}

/// Records which watched field a key names.
struct KeyObs<'p>(&'p mut Option<Field>);

impl Observer for KeyObs<'_> {
    fn observe(&mut self, _: Scalar) {}

    fn observe_str(&mut self, key: &str) {
        *self.0 = Field::from_key(key);
    }
}

/// Records a watched member's value.
struct ValueObs<'s> {
    field: Field,
    seen: &'s mut Seen,
}

impl Observer for ValueObs<'_> {
    fn observe(&mut self, value: Scalar) {
        self.seen.record(self.field, value);
    }

    fn observe_str(&mut self, value: &str) {
        let scalar = match self.field {
            // Only presence counts for `Message`.
            Field::Message => Scalar::Other,
            // Kept as a position when the text is the body's own (no escapes): no copy, and
            // the client redacts it only if someone asks for it.
            Field::RequestId => match self.seen.position(value) {
                Some(at) => Scalar::At(at),
                None => Scalar::Str(value.to_owned()),
            },
            _ => Scalar::Str(value.to_owned()),
        };
        self.seen.record(self.field, scalar);
    }
}

/// A seed, deserializer and visitor wrapper that shows the scalars passing through to `obs`.
struct Watch<S, O> {
    seed: S,
    obs: O,
}

impl<'de, S: DeserializeSeed<'de>, O: Observer> DeserializeSeed<'de> for Watch<S, O> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(WatchDe { de, obs: self.obs })
    }
}

struct WatchDe<D, O> {
    de: D,
    obs: O,
}

/// Forwards `deserialize_*` methods to the inner deserializer with a watching visitor.
macro_rules! forward_watched {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.de.$method($($arg,)* WatchVisitor { visitor, obs: self.obs })
        }
    )*};
}

impl<'de, D: Deserializer<'de>, O: Observer> Deserializer<'de> for WatchDe<D, O> {
    type Error = D::Error;

    forward_watched! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    /// A member `T` skips is still looked at: `deserialize_any` shows its value, and the
    /// skipping visitor accepts anything.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_any(WatchVisitor {
            visitor,
            obs: self.obs,
        })
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

struct WatchVisitor<V, O> {
    visitor: V,
    obs: O,
}

impl<'de, V: Visitor<'de>, O: Observer> WatchVisitor<V, O> {
    fn saw(mut self, value: Scalar) -> V {
        self.obs.observe(value);
        self.visitor
    }

    fn saw_str(mut self, value: &str) -> V {
        self.obs.observe_str(value);
        self.visitor
    }
}

impl<'de, V: Visitor<'de>, O: Observer> Visitor<'de> for WatchVisitor<V, O> {
    type Value = V::Value;

    forward_scalars!();

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(WatchDe {
            de: d,
            obs: self.obs,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(WatchDe {
            de: d,
            obs: self.obs,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let visitor = self.saw(Scalar::Other);
        visitor.visit_map(map)
    }
}
