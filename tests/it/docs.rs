//! The committed completions (completions/) and man pages (man/) must equal what the clap tree
//! generates, and the JSON Schemas (schemas/) what the output types generate. Run `NETTOOL_REGENERATE=1 cargo test --test it docs::` to rewrite them after a
//! CLI change.

use std::path::Path;

fn check_or_write(path: &Path, want: &[u8], stale: &mut Vec<String>) {
    if std::env::var_os("NETTOOL_REGENERATE").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, want).unwrap();
        return;
    }
    if std::fs::read(path).ok().as_deref() != Some(want) {
        stale.push(path.display().to_string());
    }
}

#[test]
fn generated_files_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (shell, file) in nettool::docs::SHELLS {
        let want = nettool::docs::completions(shell);
        check_or_write(&root.join("completions").join(file), &want, &mut stale);
    }
    let pages = nettool::docs::man_pages().unwrap();
    for (name, roff) in &pages {
        check_or_write(&root.join("man").join(name), roff, &mut stale);
    }
    let schemas = nettool::docs::schemas();
    for (name, text) in &schemas {
        check_or_write(&root.join("schemas").join(name), text, &mut stale);
    }
    for entry in std::fs::read_dir(root.join("schemas")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !schemas.iter().any(|(n, _)| *n == name) {
            stale.push(format!("schemas/{name} (no such command)"));
        }
    }
    // A page whose subcommand is gone is stale too.
    for entry in std::fs::read_dir(root.join("man")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !pages.iter().any(|(n, _)| *n == name) {
            stale.push(format!("man/{name} (no such subcommand)"));
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are stale: {stale:?}; run NETTOOL_REGENERATE=1 cargo test --test it docs::"
    );
}

#[test]
fn every_subcommand_has_a_page() {
    let pages = nettool::docs::man_pages().unwrap();
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[0], "nettool.1");
    assert!(names.contains(&"nettool-completions.1"));
    assert!(names.contains(&"nettool-man.1"));
}
