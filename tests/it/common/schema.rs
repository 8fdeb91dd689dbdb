//! Real `--json` output checked against the committed JSON Schemas (schemas/).

use std::path::Path;

/// Check every JSON value in `stdout` (one document, or NDJSON records) against
/// `schemas/<command>.json`, and return the values. Fails when a value does not match: a
/// field the schema does not name, a wrong type, or a document or summary without its
/// `schema_version`.
pub fn check(command: &str, stdout: &[u8]) -> Vec<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(format!("{command}.json"));
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let text = String::from_utf8(stdout.to_vec()).unwrap();
    let values: Vec<serde_json::Value> = match serde_json::from_str(&text) {
        Ok(document) => vec![document],
        Err(_) => text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .collect(),
    };
    for value in &values {
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{command} output does not match {}: {errors:#?}\n{value}",
            path.display()
        );
    }
    values
}

/// The records whose `field` (`type`, `kind` or `event`) is `kind`.
pub fn of_kind<'a>(
    values: &'a [serde_json::Value],
    field: &str,
    kind: &str,
) -> Vec<&'a serde_json::Value> {
    values.iter().filter(|v| v[field] == kind).collect()
}
