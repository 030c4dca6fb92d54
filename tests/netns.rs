//! Named namespaces (compatible with `ip netns`), opening by name/path/pid, running work
//! inside one, and `ip netns exec`-style commands.

use std::process::Command;

use vnet::{Handle, Netns, Veth};
use vnet_testkit::*;

fn ip_netns_list() -> Vec<String> {
    let out = Command::new("ip")
        .args(["-j", "netns", "list"])
        .output()
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|n| n["name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn add_is_visible_to_ip_netns_and_delete_removes_it() {
    let name = format!("vt{}-addel", std::process::id());
    let ns = Netns::add(&name).unwrap();
    assert_eq!(ns.name(), Some(name.as_str()));
    assert!(ip_netns_list().contains(&name));
    assert!(Netns::list().unwrap().contains(&name));
    // iproute2 sees it as a usable namespace.
    let out = Command::new("ip")
        .args(["-n", &name, "link", "show", "lo"])
        .output()
        .unwrap();
    assert!(out.status.success());

    let e = Netns::add(&name).unwrap_err();
    assert_eq!(e.errno(), 17, "{e}");
    assert!(
        e.to_string()
            .contains(&format!("creating network namespace '{name}'")),
        "{e}"
    );

    Netns::delete(&name).unwrap();
    assert!(!ip_netns_list().contains(&name));
    let e = Netns::delete(&name).unwrap_err();
    assert_eq!(e.errno(), 2, "{e}"); // ENOENT
    assert_eq!(
        e.to_string(),
        format!("deleting network namespace '{name}': network namespace '{name}' not found")
    );
    let e = Netns::open(&name).unwrap_err();
    assert_eq!(e.errno(), 2, "{e}"); // ENOENT
    assert_eq!(
        e.to_string(),
        format!("opening network namespace '{name}': network namespace '{name}' not found")
    );
}

#[test]
fn a_namespace_created_by_ip_is_opened_by_name() {
    let name = format!("vt{}-byip", std::process::id());
    assert!(
        Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .unwrap()
            .success()
    );
    let result = std::panic::catch_unwind(|| {
        let ns = Netns::open(&name).unwrap();
        let h = Handle::new(&ns).unwrap();
        h.link()
            .add(&Veth::new(ifname("seen0"), ifname("seen1")))
            .unwrap();
        let out = Command::new("ip")
            .args(["-n", &name, "-j", "link", "show", "seen0"])
            .output()
            .unwrap();
        assert!(out.status.success());
    });
    Command::new("ip")
        .args(["netns", "del", &name])
        .status()
        .unwrap();
    result.unwrap();
}

#[test]
fn run_executes_inside_without_moving_the_callers_thread() {
    let ns = TestNs::new("run");
    let before = std::fs::read_link("/proc/thread-self/ns/net").unwrap();
    let inside = ns
        .netns
        .run(|| std::fs::read_link("/proc/thread-self/ns/net").unwrap())
        .unwrap();
    let after = std::fs::read_link("/proc/thread-self/ns/net").unwrap();
    assert_eq!(before, after, "the caller's thread must not move");
    let witness = std::fs::read_link(format!("/run/netns/{}", ns.name));
    // The bind mount shows the namespace's inode; compare with the ns link text.
    let expected = std::fs::metadata(format!("/run/netns/{}", ns.name)).map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.ino()
    });
    // A bind-mounted namespace file is not a symlink: readlink says EINVAL.
    assert_eq!(
        witness.map_err(|e| e.raw_os_error()).unwrap_err(),
        Some(22),
        "a bind-mounted namespace file is not a symlink"
    );
    assert_eq!(
        inside.to_string_lossy(),
        format!("net:[{}]", expected.unwrap())
    );
}

#[test]
fn open_by_pid_and_path_and_current() {
    let ns = TestNs::new("pid");
    // A process sleeping inside the namespace; open its netns by pid.
    let mut child = Command::new("ip")
        .args(["netns", "exec", &ns.name, "sleep", "5"])
        .spawn()
        .unwrap();
    // Wait until the child has entered the namespace.
    let mut opened = None;
    for _ in 0..100 {
        let by_pid = Netns::from_pid(child.id()).unwrap();
        let h = Handle::new(&by_pid).unwrap();
        if h.link().exists(&ifname("lo")).unwrap() && same_ns(&by_pid, &ns.netns) {
            opened = Some(by_pid);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().ok();
    child.wait().ok();
    assert!(opened.is_some(), "netns of pid never matched");
    let by_path = Netns::from_path(format!("/run/netns/{}", ns.name)).unwrap();
    assert!(same_ns(&by_path, &ns.netns));
    let current = Netns::current().unwrap();
    assert!(!same_ns(&current, &ns.netns));
}

trait RawFdOf {
    fn as_fd_raw(&self) -> i32;
}
impl RawFdOf for Netns {
    fn as_fd_raw(&self) -> i32 {
        use std::os::fd::{AsFd, AsRawFd};
        self.as_fd().as_raw_fd()
    }
}

fn same_ns(a: &Netns, b: &Netns) -> bool {
    let ino = |n: &Netns| std::fs::metadata(format!("/proc/self/fd/{}", n.as_fd_raw())).unwrap();
    use std::os::unix::fs::MetadataExt;
    let (x, y) = (ino(a), ino(b));
    x.ino() == y.ino() && x.dev() == y.dev()
}

#[test]
fn command_runs_like_ip_netns_exec_with_sys_and_etc_netns() {
    let ns = TestNs::new("exec");
    ns.handle
        .link()
        .add(&Veth::new(ifname("only0"), ifname("only1")))
        .unwrap();
    // /etc/netns/NAME/hosts is bound over /etc/hosts for the command only.
    let etc = format!("/etc/netns/{}", ns.name);
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::write(format!("{etc}/hosts"), "10.0.0.1 vnet-exec-test\n").unwrap();
    // A file with no namesake in /etc cannot be bound: like `ip netns exec`, the
    // command runs anyway.
    std::fs::write(format!("{etc}/vnet-no-such-file"), "x\n").unwrap();
    let out = Netns::command(&ns.name, "sh")
        .unwrap()
        .args(["-c", "ls /sys/class/net; cat /etc/hosts"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&etc).unwrap();
    let _ = std::fs::remove_dir("/etc/netns");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("only0"),
        "/sys shows the namespace's devices: {text}"
    );
    assert!(!text.contains("eth0"), "not the host's devices: {text}");
    assert!(
        text.contains("vnet-exec-test"),
        "/etc/hosts is the namespace's: {text}"
    );
    // The caller's /etc/hosts is untouched.
    assert!(
        !std::fs::read_to_string("/etc/hosts")
            .unwrap()
            .contains("vnet-exec-test")
    );
}

#[test]
fn names_are_validated() {
    for (bad, reason) in [
        ("", "must not be empty"),
        ("a/b", "must not contain '/'"),
        ("..", "'.' and '..' are reserved"),
    ] {
        let e = Netns::add(bad).unwrap_err();
        assert_eq!(e.errno(), 22, "{e}"); // EINVAL
        assert_eq!(
            e.to_string(),
            format!("invalid network namespace name '{bad}': {reason}")
        );
    }
}

#[test]
fn add_many_creates_all_or_nothing() {
    let base = format!("vt{}-many", std::process::id());
    let names: Vec<String> = (0..5).map(|i| format!("{base}{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let made = Netns::add_many(&refs).unwrap();
    assert_eq!(made.len(), 5);
    let listed = ip_netns_list();
    for name in &names {
        assert!(listed.contains(name), "{name} not in ip netns list");
    }
    // Each is its own namespace: a link made in one is seen there by iproute2 only.
    let handles = Handle::new_many(&made).unwrap();
    for (i, h) in handles.iter().enumerate() {
        h.link()
            .add(&Veth::new(
                ifname(&format!("m{i}a")),
                ifname(&format!("m{i}b")),
            ))
            .unwrap();
    }
    for (i, name) in names.iter().enumerate() {
        let links = ip_json(name, &["link", "show"]);
        let mut veths: Vec<&str> = links
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|l| l["ifname"].as_str())
            .filter(|n| n.starts_with('m'))
            .collect();
        veths.sort();
        assert_eq!(veths, [format!("m{i}a"), format!("m{i}b")], "in {name}");
    }
    drop((handles, made));
    for name in &names {
        Netns::delete(name).unwrap();
    }

    // One name taken: nothing of the call is left behind, and the error names it.
    let taken = format!("{base}-taken");
    let _keep = Netns::add(&taken).unwrap();
    let fresh = [format!("{base}-x"), taken.clone(), format!("{base}-y")];
    let refs: Vec<&str> = fresh.iter().map(String::as_str).collect();
    let e = Netns::add_many(&refs).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "creating network namespace '{taken}': File exists \
             (a namespace of that name already exists)"
        )
    );
    let listed = ip_netns_list();
    assert!(
        !listed.contains(&fresh[0]) && !listed.contains(&fresh[2]),
        "{listed:?}"
    );
    assert!(listed.contains(&taken));
    Netns::delete(&taken).unwrap();

    // The same name twice, or a bad one, is refused before anything is made.
    let twice = format!("{base}-twice");
    let e = Netns::add_many(&[&twice, &twice]).unwrap_err().to_string();
    assert_eq!(
        e,
        format!("invalid network namespace name '{twice}': given twice in one call")
    );
    let e = Netns::add_many(&[&twice, "a/b"]).unwrap_err().to_string();
    assert_eq!(
        e,
        "invalid network namespace name 'a/b': must not contain '/'"
    );
    assert!(!ip_netns_list().contains(&twice));
}

/// Like `ip netns add`, creating a namespace leaves `/run/netns` a shared mount point, so
/// namespaces created later stay visible to mount namespaces made since.
#[test]
fn run_netns_is_a_shared_mount_like_iproute2_leaves_it() {
    let ns = TestNs::new("shared");
    let out = Command::new("findmnt")
        .args(["-n", "-o", "PROPAGATION", "/run/netns"])
        .output()
        .unwrap();
    let propagation = String::from_utf8_lossy(&out.stdout);
    assert!(
        propagation.lines().last().unwrap_or("").contains("shared"),
        "/run/netns propagation: {propagation:?}"
    );
    // And the namespace's bind mount is visible from a fresh mount namespace.
    let out = Command::new("unshare")
        .args(["--mount", "ip", "netns", "list"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&ns.name));
}
