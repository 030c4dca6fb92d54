//! A link's counters as `ip -s` (level 1) and `ip -s -s` (level 2, the error
//! breakdown) print them: two blocks of columns sized to their widest number, or the
//! `stats64` JSON object.

use std::fmt::Write as _;

use vnet_core::LinkStats;

use super::out::Out;

/// The counters as text: the `RX:` heading and numbers, then the `TX:` ones, each
/// number line indented by four spaces and every number followed by a space; lines are
/// separated by `\n` and the last has none.
pub(super) fn text(out: &mut Out, s: &LinkStats, carrier_changes: Option<u32>, level: u8) {
    // Each column is as wide as its heading or its widest number, whichever is wider.
    let mut cols = [
        "*X errors:".len(),
        "packets".len(),
        "errors".len(),
        "dropped".len(),
        "heartbt".len(),
        "overrun".len(),
        "compressed".len(),
        "otherhost".len(),
    ];
    let mut size = |values: [u64; 8]| {
        for (col, value) in cols.iter_mut().zip(values) {
            *col = (*col).max(value.to_string().len());
        }
    };
    size([
        s.rx_bytes,
        s.rx_packets,
        s.rx_errors,
        s.rx_dropped,
        s.rx_missed_errors,
        s.multicast,
        s.rx_compressed,
        0,
    ]);
    if level > 1 {
        size([
            0,
            s.rx_length_errors,
            s.rx_crc_errors,
            s.rx_frame_errors,
            s.rx_fifo_errors,
            s.rx_over_errors,
            s.rx_nohandler,
            s.rx_otherhost_dropped,
        ]);
    }
    size([
        s.tx_bytes,
        s.tx_packets,
        s.tx_errors,
        s.tx_dropped,
        s.tx_carrier_errors,
        s.collisions,
        s.tx_compressed,
        0,
    ]);
    if level > 1 {
        size([
            0,
            0,
            s.tx_aborted_errors,
            s.tx_fifo_errors,
            s.tx_window_errors,
            s.tx_heartbeat_errors,
            u64::from(carrier_changes.unwrap_or(0)),
            0,
        ]);
    }
    let c = cols;
    let nums = |out: &mut Out, values: &[(usize, u64)]| {
        for &(width, value) in values {
            let _ = write!(out, "{value:>width$} ");
        }
    };
    let heading = |out: &mut Out, dir: &str, words: [&str; 6], compressed: u64| {
        let _ = write!(out, "    {dir}: {:>w$}", "bytes", w = c[0] - 4);
        for (word, width) in words.iter().skip(1).zip(&c[1..6]) {
            let _ = write!(out, " {word:>width$}");
        }
        let last = if compressed != 0 { "compressed" } else { "" };
        let _ = write!(out, " {last:>w$}\n    ", w = c[6]);
    };

    heading(
        out,
        "RX",
        ["bytes", "packets", "errors", "dropped", "missed", "mcast"],
        s.rx_compressed,
    );
    nums(
        out,
        &[
            (c[0], s.rx_bytes),
            (c[1], s.rx_packets),
            (c[2], s.rx_errors),
            (c[3], s.rx_dropped),
            (c[4], s.rx_missed_errors),
            (c[5], s.multicast),
        ],
    );
    if s.rx_compressed != 0 {
        nums(out, &[(c[6], s.rx_compressed)]);
    }
    if level > 1 {
        let _ = write!(
            out,
            "\n    RX errors:{:w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$}",
            "",
            "length",
            "crc",
            "frame",
            "fifo",
            "overrun",
            w0 = c[0] - 10,
            w1 = c[1],
            w2 = c[2],
            w3 = c[3],
            w4 = c[4],
            w5 = c[5],
        );
        if s.rx_nohandler != 0 {
            let _ = write!(out, "{:>w$}", " nohandler", w = c[6] + 1);
        }
        if s.rx_otherhost_dropped != 0 {
            let _ = write!(out, "{:>w$}", " otherhost", w = c[7] + 1);
        }
        let _ = write!(out, "\n{:w$}", "", w = c[0] + 5);
        nums(
            out,
            &[
                (c[1], s.rx_length_errors),
                (c[2], s.rx_crc_errors),
                (c[3], s.rx_frame_errors),
                (c[4], s.rx_fifo_errors),
                (c[5], s.rx_over_errors),
            ],
        );
        if s.rx_nohandler != 0 {
            nums(out, &[(c[6], s.rx_nohandler)]);
        }
        if s.rx_otherhost_dropped != 0 {
            nums(out, &[(c[7], s.rx_otherhost_dropped)]);
        }
    }
    out.push('\n');
    heading(
        out,
        "TX",
        [
            "bytes", "packets", "errors", "dropped", "carrier", "collsns",
        ],
        s.tx_compressed,
    );
    nums(
        out,
        &[
            (c[0], s.tx_bytes),
            (c[1], s.tx_packets),
            (c[2], s.tx_errors),
            (c[3], s.tx_dropped),
            (c[4], s.tx_carrier_errors),
            (c[5], s.collisions),
        ],
    );
    if s.tx_compressed != 0 {
        nums(out, &[(c[6], s.tx_compressed)]);
    }
    if level > 1 {
        let transitions = if carrier_changes.is_some() {
            "transns"
        } else {
            ""
        };
        let _ = write!(
            out,
            "\n    TX errors:{:w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$}\n{:w6$}",
            "",
            "aborted",
            "fifo",
            "window",
            "heartbt",
            transitions,
            "",
            w0 = c[0] - 10,
            w1 = c[1],
            w2 = c[2],
            w3 = c[3],
            w4 = c[4],
            w5 = c[5],
            w6 = c[0] + 5,
        );
        nums(
            out,
            &[
                (c[1], s.tx_aborted_errors),
                (c[2], s.tx_fifo_errors),
                (c[3], s.tx_window_errors),
                (c[4], s.tx_heartbeat_errors),
            ],
        );
        if let Some(n) = carrier_changes {
            nums(out, &[(c[5], u64::from(n))]);
        }
    }
}

/// The counters as the JSON member `"stats64":{"rx":{...},"tx":{...}}`, with a leading
/// comma.
pub(super) fn json(out: &mut Out, s: &LinkStats, carrier_changes: Option<u32>, level: u8) {
    let members = |out: &mut Out, values: &[(&str, u64)]| {
        for (key, value) in values {
            let _ = write!(out, ",\"{key}\":{value}");
        }
    };
    let _ = write!(out, ",\"stats64\":{{\"rx\":{{\"bytes\":{}", s.rx_bytes);
    members(
        out,
        &[
            ("packets", s.rx_packets),
            ("errors", s.rx_errors),
            ("dropped", s.rx_dropped),
            ("over_errors", s.rx_over_errors),
            ("multicast", s.multicast),
        ],
    );
    if s.rx_compressed != 0 {
        members(out, &[("compressed", s.rx_compressed)]);
    }
    if level > 1 {
        members(
            out,
            &[
                ("length_errors", s.rx_length_errors),
                ("crc_errors", s.rx_crc_errors),
                ("frame_errors", s.rx_frame_errors),
                ("fifo_errors", s.rx_fifo_errors),
                ("missed_errors", s.rx_missed_errors),
            ],
        );
        if s.rx_nohandler != 0 {
            members(out, &[("nohandler", s.rx_nohandler)]);
        }
        if s.rx_otherhost_dropped != 0 {
            members(out, &[("otherhost", s.rx_otherhost_dropped)]);
        }
    }
    let _ = write!(out, "}},\"tx\":{{\"bytes\":{}", s.tx_bytes);
    members(
        out,
        &[
            ("packets", s.tx_packets),
            ("errors", s.tx_errors),
            ("dropped", s.tx_dropped),
            ("carrier_errors", s.tx_carrier_errors),
            ("collisions", s.collisions),
        ],
    );
    if s.tx_compressed != 0 {
        members(out, &[("compressed", s.tx_compressed)]);
    }
    if level > 1 {
        members(
            out,
            &[
                ("aborted_errors", s.tx_aborted_errors),
                ("fifo_errors", s.tx_fifo_errors),
                ("window_errors", s.tx_window_errors),
                ("heartbeat_errors", s.tx_heartbeat_errors),
            ],
        );
        if let Some(n) = carrier_changes {
            members(out, &[("carrier_changes", u64::from(n))]);
        }
    }
    out.push_str("}}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_widen_to_the_widest_number() {
        let s = LinkStats {
            rx_bytes: 1234567890123,
            rx_packets: 42,
            ..LinkStats::default()
        };
        let mut out = Out::new();
        text(&mut out, &s, Some(1), 1);
        assert_eq!(
            String::from_utf8(out.as_bytes().to_vec()).unwrap(),
            "    RX:     bytes packets errors dropped  missed   mcast           \n    \
             1234567890123      42      0       0       0       0 \n    \
             TX:     bytes packets errors dropped carrier collsns           \n    \
             \u{20}           0       0      0       0       0       0 "
        );
    }
}
