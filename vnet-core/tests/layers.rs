//! The library's layers, checked from its source: every `crate::MODULE` a file of one
//! top-level module names must be a module of a lower layer, so imports only point down
//! and no two modules import each other.
//!
//! The table below is the layer diagram of `src/lib.rs` and the README; a new module
//! gets a line here, and an import that points up or sideways fails this test with the
//! file and line that made it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Each top-level module and its layer, bottom up. A module may import only modules of
/// a strictly lower layer.
const LAYERS: &[(&str, u32)] = &[
    // Kernel numbers, the one unsafe corner.
    ("uapi", 0),
    ("sys", 1),
    // Errors and validated values.
    ("error", 1),
    ("values", 2),
    // Namespaces, then the netlink engine.
    ("netns", 3),
    ("netlink", 4),
    // rtnetlink objects: links first, as everything else names links.
    ("link", 5),
    ("addr", 6),
    ("route", 6),
    ("neigh", 6),
    ("bridge", 6),
    ("tuntap", 6),
    ("nsid", 6),
    // nfnetlink objects (NAT reads a masquerade's interface addresses) and procfs.
    ("netfilter", 7),
    ("sysctl", 5),
    // The entry point that hands out every rtnetlink sub-handle.
    ("handle", 8),
    // Labs (feature "lab"): whole topologies built from every layer below.
    ("lab", 9),
    // The fuzz targets' entry points (feature "fuzzing"): they feed the decoders of
    // every family below.
    ("fuzzing", 9),
];

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The modules a line of code names as `crate::module` (comments left out).
fn crate_paths(line: &str) -> Vec<&str> {
    let code = line.split("//").next().unwrap_or("");
    code.match_indices("crate::")
        .map(|(at, _)| {
            let rest = &code[at + "crate::".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

#[test]
fn imports_point_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let layers: BTreeMap<&str, u32> = LAYERS.iter().copied().collect();
    let mut files = Vec::new();
    source_files(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    let mut seen_modules = std::collections::BTreeSet::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        if relative == Path::new("lib.rs") {
            continue; // the root declares and re-exports every module
        }
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_str().unwrap().trim_end_matches(".rs");
        seen_modules.insert(module.to_string());
        let Some(&own) = layers.get(module) else {
            violations.push(format!(
                "{}: module '{module}' has no layer",
                relative.display()
            ));
            continue;
        };
        for (n, line) in fs::read_to_string(file).unwrap().lines().enumerate() {
            for target in crate_paths(line) {
                if target == module {
                    continue;
                }
                match layers.get(target) {
                    Some(&layer) if layer < own => {}
                    Some(&layer) => violations.push(format!(
                        "{}:{}: '{module}' (layer {own}) imports '{target}' (layer {layer})",
                        relative.display(),
                        n + 1
                    )),
                    None => violations.push(format!(
                        "{}:{}: 'crate::{target}' is not a module with a layer (name the \
                         defining module, not a re-export)",
                        relative.display(),
                        n + 1
                    )),
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
    // Every module of the table exists, so the table cannot go stale.
    for (module, _) in LAYERS {
        assert!(
            seen_modules.contains(*module),
            "no module '{module}' in src/"
        );
    }
}

#[test]
fn the_checker_sees_imports_and_ignores_comments() {
    assert_eq!(crate_paths("use crate::link::{Link, LinkRef};"), ["link"]);
    assert_eq!(
        crate_paths("let x = crate::values::Family::of(crate::netns::x);"),
        ["values", "netns"]
    );
    assert!(crate_paths("//! see [`crate::bridge`]").is_empty());
    assert_eq!(crate_paths("f(); // crate::handle"), Vec::<&str>::new());
}
