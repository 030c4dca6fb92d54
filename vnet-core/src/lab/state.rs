//! The record of labs that are up: a copy of each lab's file under a state directory
//! (`/run/vnet/labs/` by default), so `status NAME` and `down NAME` can find a lab by
//! name. It is a convenience: `down` works without it, from the objects' own marks.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::Lab;
use crate::error::{Error, Result};

/// Where labs' records are kept unless the caller says otherwise.
pub const DEFAULT_STATE_DIR: &str = "/run/vnet/labs";

/// A lab found in the state directory.
#[derive(Debug, Clone)]
pub struct LabRecord {
    /// The lab's name.
    pub name: String,
    /// The host it was built for (`--host`), if any.
    pub host: Option<String>,
    /// The record's file.
    pub path: PathBuf,
}

fn file_of(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.toml"))
}

fn host_file_of(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.host"))
}

/// Writes `lab`'s record (its file, and its host).
pub(super) fn save(dir: &Path, lab: &Lab) -> Result<()> {
    let op = || {
        format!(
            "writing the record of lab '{}' in {}",
            lab.name,
            dir.display()
        )
    };
    fs::create_dir_all(dir).map_err(|e| Error::io(op(), e))?;
    fs::write(file_of(dir, &lab.name), &lab.source).map_err(|e| Error::io(op(), e))?;
    match lab.host() {
        Some(h) => fs::write(host_file_of(dir, &lab.name), h).map_err(|e| Error::io(op(), e))?,
        None => match fs::remove_file(host_file_of(dir, &lab.name)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(Error::io(op(), e)),
            _ => {}
        },
    }
    Ok(())
}

/// Reads the lab `name` back from its record in `dir` (for the host it was built for).
pub fn load_record(dir: &Path, name: &str) -> Result<Lab> {
    let path = file_of(dir, name);
    let text = match fs::read_to_string(&path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::NotFound {
                op: format!("reading the record of lab '{name}'"),
                what: "lab",
                name: name.to_string(),
            });
        }
        other => other.map_err(|e| Error::io(format!("reading {}", path.display()), e))?,
    };
    let lab = Lab::from_toml(&text, &path.display().to_string())
        .map_err(|e| Error::invalid("lab record", path.display(), e.to_string()))?;
    match fs::read_to_string(host_file_of(dir, name)) {
        Ok(host) => lab.on_host(host.trim()),
        Err(_) => Ok(lab),
    }
}

/// Removes lab `name`'s record from `dir` (nothing to do when there is none).
pub fn remove_record(dir: &Path, name: &str) -> Result<()> {
    for path in [file_of(dir, name), host_file_of(dir, name)] {
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(Error::io(format!("removing {}", path.display()), e));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The labs recorded in `dir`, by name.
pub fn list_records(dir: &Path) -> Result<Vec<LabRecord>> {
    let entries = match fs::read_dir(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        other => other.map_err(|e| Error::io(format!("reading {}", dir.display()), e))?,
    };
    let mut out = Vec::new();
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let host = fs::read_to_string(host_file_of(dir, name))
                .ok()
                .map(|h| h.trim().to_string());
            out.push(LabRecord {
                name: name.to_string(),
                host,
                path,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
