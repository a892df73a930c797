//! SDK types → the API's JSON (camelCase), declaratively: each service's `to_json` module lists
//! its SDK types' JSON members once with the macros here, so the rules' model reads what the
//! service returned exactly as the AWS CLI prints it.

use aws_smithy_types::DateTime;
use serde_json::{Map, Value};

/// Conversion of an SDK value to its API JSON.
pub trait ToJson {
    /// The API JSON, `Value::Null` for "absent".
    fn to_json(&self) -> Value;
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToJson::to_json)
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

macro_rules! json_scalar {
    ($($ty:ty),*) => {$(
        impl ToJson for $ty {
            fn to_json(&self) -> Value {
                Value::from(self.clone())
            }
        }
    )*};
}
json_scalar!(String, bool, i32, i64);

impl ToJson for DateTime {
    /// Epoch seconds, as the App Mesh CLI renders them; the models treat timestamps as opaque.
    fn to_json(&self) -> Value {
        Value::from(self.as_secs_f64())
    }
}

/// SDK string enums: their wire value.
macro_rules! json_enum {
    ($($ty:ty),*) => {$(
        impl $crate::adapters::aws::to_json::ToJson for $ty {
            fn to_json(&self) -> ::serde_json::Value {
                ::serde_json::Value::from(self.as_str())
            }
        }
    )*};
}
/// SDK structures: `Type { "jsonMember" => field, ... }`; absent members are omitted.
macro_rules! json_struct {
    ($($ty:ty { $($json:literal => $field:ident),* $(,)? })*) => {$(
        impl $crate::adapters::aws::to_json::ToJson for $ty {
            fn to_json(&self) -> ::serde_json::Value {
                let mut map = ::serde_json::Map::new();
                $($crate::adapters::aws::to_json::insert(&mut map, $json, $crate::adapters::aws::to_json::ToJson::to_json(&self.$field));)*
                ::serde_json::Value::Object(map)
            }
        }
    )*};
}

/// SDK unions: `Type { Variant => "jsonMember", ... }`; unknown variants become `{}`.
macro_rules! json_union {
    ($($ty:ty { $($variant:ident => $json:literal),* $(,)? })*) => {$(
        impl $crate::adapters::aws::to_json::ToJson for $ty {
            fn to_json(&self) -> ::serde_json::Value {
                let mut map = ::serde_json::Map::new();
                match self {
                    $(Self::$variant(inner) => $crate::adapters::aws::to_json::insert(&mut map, $json, $crate::adapters::aws::to_json::ToJson::to_json(inner)),)*
                    _ => {}
                }
                ::serde_json::Value::Object(map)
            }
        }
    )*};
}

/// Insert `value` under `key` unless it is absent (`null`).
pub fn insert(map: &mut Map<String, Value>, key: &str, value: Value) {
    if !value.is_null() {
        map.insert(key.to_owned(), value);
    }
}

pub(crate) use {json_enum, json_struct, json_union};
