//! Man pages and shell completions generated from a clap parser: a page per command
//! and subcommand (`vnet.8`, `vnet-nat.8`, `vnet-nat-forward-add.8`, ...) whose SYNOPSIS
//! shows every value's placeholder, and bash, zsh and fish completions.
//!
//! The committed copies under `vnet-cli/man` and `vnet-cli/completions` come from
//! [`generate_docs`] (`vnet generate-docs vnet-cli`); a test of the `vnet` binary
//! regenerates them and fails when they differ.

use std::fs;
use std::path::Path;

use clap_complete::Shell;

/// A man page to write: its name (`vnet-nat-forward`), its SYNOPSIS line in roff, and
/// the command it documents, titled with that name.
struct ManPage {
    name: String,
    synopsis: String,
    command: clap::Command,
}

/// Collects a page for `command` titled `name` (vnet, vnet-nat, vnet-nat-forward, ...)
/// and for each of its subcommands, so that every page a SUBCOMMANDS section names
/// exists. `words` is the command line that runs it (`vnet proxy-arp on`).
fn man_pages(command: &clap::Command, name: &str, words: &str, pages: &mut Vec<ManPage>) {
    pages.push(ManPage {
        name: name.to_string(),
        synopsis: synopsis(command, words),
        command: command.clone().display_name(name.to_string()),
    });
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        man_pages(
            sub,
            &format!("{name}-{}", sub.get_name()),
            &format!("{words} {}", sub.get_name()),
            pages,
        );
    }
}

/// The SYNOPSIS line of a man page, in roff: `words` and every argument of `command`
/// with its value placeholder (`[-s|--address <ADDR[/PREFIX]>]`, `-o|--out <IF>`, `dev
/// <IF>`), names in bold and placeholders in italics, as in the OPTIONS section.
/// clap_mangen's own synopsis leaves the placeholders out.
fn synopsis(command: &clap::Command, words: &str) -> String {
    let bold = |text: &str| format!("\\fB{}\\fR", roff_escape(text));
    let italic = |text: &str| format!("\\fI{}\\fR", roff_escape(text));
    let optional = |text: String, required: bool| {
        if required { text } else { format!("[{text}]") }
    };
    let mut line = vec![bold(words)];
    let shown: Vec<&clap::Arg> = command
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .collect();
    // Optional options first, then the required ones, then the positionals: the order
    // clap_mangen uses.
    let (required, not_required): (Vec<&clap::Arg>, Vec<&clap::Arg>) = shown
        .iter()
        .copied()
        .filter(|a| !a.is_positional())
        .partition(|a| a.is_required_set());
    for arg in not_required.into_iter().chain(required) {
        let mut text = match (arg.get_short(), arg.get_long()) {
            (Some(short), Some(long)) => format!(
                "{}|{}",
                bold(&format!("-{short}")),
                bold(&format!("--{long}"))
            ),
            (Some(short), None) => bold(&format!("-{short}")),
            (None, Some(long)) => bold(&format!("--{long}")),
            (None, None) => continue,
        };
        if arg.get_num_args().is_some_and(|n| n.takes_values()) {
            text.push_str(&format!(" {}", italic(&placeholder(arg))));
        }
        line.push(optional(text, arg.is_required_set()));
    }
    for arg in shown.iter().filter(|a| a.is_positional()) {
        // A literal keyword (`dev`, the only value it accepts) is written as itself.
        let text = match arg.get_possible_values().as_slice() {
            [only] => bold(only.get_name()),
            _ => italic(&placeholder(arg)),
        };
        line.push(optional(text, arg.is_required_set()));
    }
    if command.has_subcommands() {
        line.push(italic("<COMMAND>"));
    }
    line.join(" ")
}

/// `<VALUE>` for an argument, from its value name (or its id when it has none).
fn placeholder(arg: &clap::Arg) -> String {
    match arg.get_value_names() {
        Some(names) => names
            .iter()
            .map(|n| format!("<{n}>"))
            .collect::<Vec<_>>()
            .join(" "),
        None => format!("<{}>", arg.get_id()),
    }
}

/// Text for roff: a backslash and a minus sign (`-` alone is a hyphen) escaped.
fn roff_escape(text: &str) -> String {
    text.replace('\\', "\\e").replace('-', "\\-")
}

/// Renders the man page `man`, with its SYNOPSIS line replaced by `synopsis`.
fn render_man(man: clap_mangen::Man, synopsis: &str) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    man.render(&mut out)?;
    let text = String::from_utf8(out).map_err(std::io::Error::other)?;
    let heading = "\n.SH SYNOPSIS\n";
    let Some(at) = text.find(heading).map(|at| at + heading.len()) else {
        return Err(std::io::Error::other(
            "clap_mangen wrote no SYNOPSIS section",
        ));
    };
    let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
    Ok(format!("{}{synopsis}{}", &text[..at], &text[end..]).into_bytes())
}

/// Writes the man pages of `command` (section 8: NAME.8 and one page per subcommand,
/// NAME-SUB.8, NAME-SUB-SUB.8, ...) into `dir/man`, and its bash, zsh and fish
/// completions (NAME.bash, _NAME, NAME.fish) into `dir/completions`, where NAME is the
/// command's name. Every page's `.TH` source is "NAME VERSION" (the command's version).
pub fn generate_docs(command: &clap::Command, dir: &Path) -> vnet_core::Result<()> {
    let io = |what: &Path| {
        let what = what.display().to_string();
        move |e| vnet_core::Error::io(format!("writing {what}"), e)
    };
    let name = command.get_name().to_string();
    let man = dir.join("man");
    let completions = dir.join("completions");
    for d in [&man, &completions] {
        fs::create_dir_all(d).map_err(io(d))?;
    }
    let mut built = command.clone();
    built.build(); // propagates global options (vnet's -n and -j) to every subcommand
    let mut pages = Vec::new();
    man_pages(&built, &name, &name, &mut pages);
    // Every page is part of the tool: clap_mangen would put the subcommand's own name
    // there ("on 0.1.0").
    let source = match command.get_version() {
        Some(version) => format!("{name} {version}"),
        None => name.clone(),
    };
    for page in pages {
        let path = man.join(format!("{}.8", page.name));
        let man_page = clap_mangen::Man::new(page.command)
            .title(page.name)
            .section("8")
            .source(source.clone());
        let out = render_man(man_page, &page.synopsis).map_err(io(&path))?;
        fs::write(&path, out).map_err(io(&path))?;
    }
    for (shell, file) in [
        (Shell::Bash, format!("{name}.bash")),
        (Shell::Zsh, format!("_{name}")),
        (Shell::Fish, format!("{name}.fish")),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut command.clone(), &name, &mut out);
        let path = completions.join(file);
        fs::write(&path, out).map_err(io(&path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, ArgAction, Command};

    fn tool() -> Command {
        Command::new("tool")
            .version("1.2")
            .disable_help_flag(true)
            .disable_version_flag(true)
            .arg(
                Arg::new("netns")
                    .short('n')
                    .long("netns")
                    .value_name("NETNS")
                    .global(true),
            )
            .subcommand(
                Command::new("link-set")
                    .disable_help_flag(true)
                    .arg(
                        Arg::new("dev")
                            .value_parser(["dev"])
                            .required(true)
                            .hide_possible_values(true),
                    )
                    .arg(Arg::new("name").value_name("IF").required(true))
                    .arg(
                        Arg::new("mtu")
                            .long("mtu")
                            .value_name("BYTES")
                            .required(true),
                    )
                    .arg(Arg::new("up").long("up").action(ArgAction::SetTrue)),
            )
    }

    #[test]
    fn roff_escapes_backslashes_and_minus_signs() {
        assert_eq!(roff_escape(r"-n a\b"), r"\-n a\eb");
    }

    #[test]
    fn synopses_show_placeholders_and_keywords() {
        let mut command = tool();
        command.build();
        assert_eq!(
            synopsis(&command, "tool"),
            r"\fBtool\fR [\fB\-n\fR|\fB\-\-netns\fR \fI<NETNS>\fR] \fI<COMMAND>\fR"
        );
        let sub = command.find_subcommand("link-set").unwrap();
        assert_eq!(
            synopsis(sub, "tool link-set"),
            r"\fBtool link\-set\fR [\fB\-\-up\fR] [\fB\-n\fR|\fB\-\-netns\fR \fI<NETNS>\fR] \fB\-\-mtu\fR \fI<BYTES>\fR \fBdev\fR \fI<IF>\fR"
        );
    }

    #[test]
    fn pages_and_completions_for_every_command() {
        let dir = std::env::temp_dir().join(format!("vnet-cli-docs-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        generate_docs(&tool(), &dir).unwrap();
        let mut man: Vec<String> = fs::read_dir(dir.join("man"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        man.sort();
        assert_eq!(man, ["tool-link-set.8", "tool.8"]);
        let page = fs::read_to_string(dir.join("man/tool-link-set.8")).unwrap();
        assert!(page.contains(".TH tool-link-set 8  \"tool 1.2\""), "{page}");
        assert!(
            page.contains("\n.SH SYNOPSIS\n\\fBtool link\\-set\\fR [\\fB\\-\\-up\\fR] [\\fB\\-n"),
            "{page}"
        );
        for file in ["tool.bash", "_tool", "tool.fish"] {
            let text = fs::read_to_string(dir.join("completions").join(file)).unwrap();
            assert!(text.contains("link-set"), "{file}: {text}");
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
