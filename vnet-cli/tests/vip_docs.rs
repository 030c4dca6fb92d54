//! vip's committed manual page and completions are what `vnet_cli::ip::docs` generates
//! (`VNET_UPDATE_DOCS=1` rewrites them), and the manual page reads without warnings.

use std::path::Path;
use std::process::Command;

use vnet_cli::ip::docs;

#[test]
fn committed_docs_are_generated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = [
        ("man/vip.8", docs::man_page()),
        ("completions/vip.bash", docs::bash_completion()),
        ("completions/_vip", docs::zsh_completion()),
        ("completions/vip.fish", docs::fish_completion()),
    ];
    for (path, generated) in files {
        let path = root.join(path);
        if std::env::var_os("VNET_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            committed,
            generated,
            "{} is stale: run VNET_UPDATE_DOCS=1 cargo test -p vnet-cli --test vip_docs",
            path.display()
        );
    }
}

#[test]
fn the_manual_page_renders_cleanly() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("man/vip.8");
    let out = Command::new("man")
        .args(["--warnings", "-l", "-Tutf8"])
        .arg(&page)
        .env("MANWIDTH", "80")
        .output();
    let Ok(out) = out else {
        // No man-db here: groff's own check, if groff is there, else the text itself.
        let text = std::fs::read_to_string(&page).unwrap();
        assert!(
            text.contains(".TH vip 8") && text.contains("vip link"),
            "{text}"
        );
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Bold and underlined text comes as overstrikes: a character, a backspace, another.
    let mut text = String::new();
    for c in String::from_utf8_lossy(&out.stdout).chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    // Justified lines may widen the spaces between words.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("vip link add"), "{text}");
    assert!(
        out.stderr.is_empty(),
        "man warns: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bash_completes_objects_and_commands() {
    let script = format!(
        "{}\nCOMP_WORDS=(vip li); COMP_CWORD=1; _vip; echo \"${{COMPREPLY[@]}}\"\n\
         COMP_WORDS=(vip -n vm1 link a); COMP_CWORD=4; _vip; echo \"${{COMPREPLY[@]}}\"\n",
        docs::bash_completion()
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        "link\nadd\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
