//! The version mark of the `--json` output and what its JSON Schemas are made of.
//!
//! Every JSON document and every summary record carries `"schema_version": 1`, so a program
//! that reads them can tell which shape it has. The number changes only when a field is removed
//! or changes meaning; a new field is not a new version. The schemas themselves are generated
//! from the serialized types (schemars) by [`crate::docs::schemas`] and committed under
//! `schemas/`.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};

/// The version of the JSON shapes this build writes.
pub const SCHEMA_VERSION: u8 = 1;

/// The `schema_version` field: always [`SCHEMA_VERSION`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchemaVersion;

impl Serialize for SchemaVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(SCHEMA_VERSION)
    }
}

impl JsonSchema for SchemaVersion {
    fn schema_name() -> Cow<'static, str> {
        "SchemaVersion".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The version of this JSON shape.",
            "type": "integer",
            "const": SCHEMA_VERSION,
        })
    }
}

/// A one-shot document with its `schema_version` in front of its own fields.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "{T}Document")]
pub struct Versioned<T> {
    /// The version of this JSON shape.
    pub schema_version: SchemaVersion,
    /// The document's own fields.
    #[serde(flatten)]
    pub body: T,
}

impl<T> Versioned<T> {
    /// `body` with the version mark.
    pub fn new(body: T) -> Self {
        Self {
            schema_version: SchemaVersion,
            body,
        }
    }
}

/// What one command writes: a schema reference for every kind of document or record.
pub type Kinds = fn(&mut SchemaGenerator) -> Vec<Schema>;

/// The kind for a one-shot document of type `T` (with its `schema_version`).
pub fn document<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<Versioned<T>>()
}

/// The kind for a stream record of type `T` (an enum of records is one kind of each variant).
pub fn record<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// The schema of everything `nettool COMMAND --json` writes: one document, or one NDJSON
/// record, of one of the kinds `kinds` lists. Subschemas are inlined and every object is
/// closed (no field that the schema does not name), so that a record matches exactly one kind
/// and a field added to the output without its type changing is caught.
#[must_use]
pub fn command_schema(command: &str, kinds: Kinds) -> serde_json::Value {
    let mut generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let mut one_of: Vec<serde_json::Value> = kinds(&mut generator)
        .into_iter()
        .map(Schema::to_value)
        .collect();
    one_of.iter_mut().for_each(|kind| close_objects(kind, true));
    let mut schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("nettool {command} --json"),
        "description": format!(
            "One JSON document or NDJSON record written by `nettool {command} --json`; \
             documents and summary records carry schema_version {SCHEMA_VERSION}."
        ),
        "oneOf": one_of,
    });
    let mut defs = generator.take_definitions(true);
    if !defs.is_empty() {
        for def in defs.values_mut() {
            close_objects(def, false);
        }
        schema["$defs"] = defs.into();
    }
    schema
}

/// Forbid unnamed fields (`unevaluatedProperties: false`) in every object that stands alone:
/// a kind, a field's value, an array's item. A branch of `oneOf`/`anyOf`/`allOf` is not
/// closed itself, because the fields its siblings or its parent name would count as unnamed
/// there; the schema that holds it is closed instead, and sees every field its matching
/// branches name.
fn close_objects(schema: &mut serde_json::Value, standalone: bool) {
    let serde_json::Value::Object(map) = schema else {
        return;
    };
    let composed = ["allOf", "anyOf", "oneOf", "$ref"]
        .iter()
        .any(|k| map.contains_key(*k));
    if standalone
        && (map.contains_key("properties") || composed)
        && !map.contains_key("additionalProperties")
    {
        map.entry("unevaluatedProperties").or_insert(false.into());
    }
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            // Names to schemas: each value stands alone.
            "properties" | "patternProperties" => {
                if let serde_json::Value::Object(fields) = value {
                    fields.values_mut().for_each(|f| close_objects(f, true));
                }
            }
            "items" | "additionalProperties" | "unevaluatedProperties" => {
                close_objects(value, true);
            }
            "prefixItems" => {
                if let serde_json::Value::Array(items) = value {
                    items.iter_mut().for_each(|i| close_objects(i, true));
                }
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let serde_json::Value::Array(branches) = value {
                    branches.iter_mut().for_each(|b| close_objects(b, false));
                }
            }
            _ => {}
        }
    }
}

/// A type written as a JSON string (by a hand-written `Serialize`): its schema is a string.
#[macro_export]
macro_rules! string_schema {
    ($ty:ty, $doc:literal) => {
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "description": $doc, "type": "string" })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Body {
        name: &'static str,
    }

    #[test]
    fn version_comes_first() {
        let text = serde_json::to_string(&Versioned::new(Body { name: "a" })).unwrap();
        assert_eq!(text, r#"{"schema_version":1,"name":"a"}"#);
    }
}
