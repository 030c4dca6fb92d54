//! `stdout` buffered as glibc buffers it.

use std::io::{self, Write};

use crate::write_or_exit;

/// `BUFSIZ` of glibc: the largest stdio buffer it gives a stream by default.
const C_BUFSIZ: usize = 8192;

/// Standard output buffered the way the C library buffers a C tool's `stdout`, for the
/// drop-ins whose output must interleave with their (unbuffered) standard error exactly
/// as the original's does.
///
/// glibc makes `stdout` line-buffered on a terminal and fully buffered otherwise, with a
/// buffer of the file's `st_blksize` (4096 for a pipe) up to `BUFSIZ`. So on a terminal
/// `brctl show br0 nobr` prints br0's line before the error about `nobr`, while with both
/// streams in one pipe (`2>&1 | less`) the error comes first and the output follows in
/// whole buffers. [`CStdout::print`] writes out what glibc's `fwrite` would have written
/// by then, and keeps the rest until the next call or [`CStdout::finish`].
///
/// Write errors end the program as [`print_out`](crate::print_out) does: quietly with status 0 on a
/// closed pipe, with a message and status 1 otherwise.
#[derive(Debug)]
pub struct CStdout<W: Write = io::Stdout> {
    sink: W,
    pending: Vec<u8>,
    size: usize,
    line_buffered: bool,
}

impl CStdout<io::Stdout> {
    /// Standard output, buffered as glibc would buffer it on what file descriptor 1 is
    /// now (a terminal, a pipe, a file).
    pub fn stdout() -> Self {
        use std::io::IsTerminal;
        use std::os::unix::fs::MetadataExt;
        let stdout = io::stdout();
        // glibc's _IO_file_doallocate: BUFSIZ, or st_blksize when it is smaller; line
        // buffering for a terminal. /proc/self/fd/1 stats whatever fd 1 is, pipes too.
        let size = std::fs::metadata("/proc/self/fd/1")
            .ok()
            .and_then(|m| usize::try_from(m.blksize()).ok())
            .filter(|&b| b > 0 && b < C_BUFSIZ)
            .unwrap_or(C_BUFSIZ);
        let line_buffered = stdout.is_terminal();
        CStdout::new(stdout, line_buffered, size)
    }
}

impl<W: Write> CStdout<W> {
    /// Output to `sink` with a `size`-byte buffer, line-buffered or fully buffered.
    pub fn new(sink: W, line_buffered: bool, size: usize) -> Self {
        CStdout {
            sink,
            pending: Vec::with_capacity(size),
            size: size.max(1),
            line_buffered,
        }
    }

    /// Adds `text` to the output, writing out what glibc's `_IO_new_file_xsputn` would
    /// write at this point: when line-buffered, everything up to the last newline (if
    /// the text fits the buffer); and whenever the buffer fills, the full buffer
    /// followed by as many whole buffer sizes of the text as remain.
    pub fn print(&mut self, text: impl AsRef<[u8]>) {
        let mut s = text.as_ref();
        let space = self.size.saturating_sub(self.pending.len());
        let mut count = space;
        let mut must_flush = false;
        if self.line_buffered && space >= s.len() {
            if let Some(p) = s.iter().rposition(|&c| c == b'\n') {
                count = p + 1;
                must_flush = true;
            }
        }
        let take = count.min(s.len());
        self.pending.extend_from_slice(&s[..take]);
        s = &s[take..];
        if s.is_empty() && !must_flush {
            return;
        }
        self.write_pending();
        // Whole blocks go out directly, the tail waits in the buffer.
        let direct = if self.size >= 128 {
            s.len() - s.len() % self.size
        } else {
            s.len()
        };
        self.write(&s[..direct]);
        self.pending.extend_from_slice(&s[direct..]);
    }

    /// Writes out everything still buffered, as `exit()` does for a C program.
    pub fn finish(&mut self) {
        self.write_pending();
    }

    /// The sink, for tests that record what was written.
    pub fn sink(&self) -> &W {
        &self.sink
    }

    fn write_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        self.write(&pending);
        self.pending = pending;
        self.pending.clear();
    }

    fn write(&mut self, bytes: &[u8]) {
        if !bytes.is_empty() {
            write_or_exit(&mut self.sink, bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records each write as one chunk.
    #[derive(Default)]
    struct Chunks(Vec<String>);

    impl Write for Chunks {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(String::from_utf8_lossy(buf).into_owned());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn line_buffered_writes_through_the_last_newline() {
        let mut out = CStdout::new(Chunks::default(), true, 1024);
        out.print("header\n");
        out.print("br0\t\t");
        assert_eq!(out.sink().0, ["header\n"]);
        out.print("8000.x\n\t\tv0\nbr1\t");
        assert_eq!(out.sink().0, ["header\n", "br0\t\t8000.x\n\t\tv0\n"]);
        out.finish();
        assert_eq!(out.sink().0.last().unwrap(), "br1\t");
    }

    #[test]
    fn fully_buffered_writes_whole_buffers_only() {
        let mut out = CStdout::new(Chunks::default(), false, 128);
        let line = "x".repeat(49) + "\n"; // 50 bytes
        out.print(&line);
        out.print(&line);
        assert!(out.sink().0.is_empty(), "{:?}", out.sink().0);
        out.print(&line); // 150 bytes: one buffer of 128 goes out
        assert_eq!(out.sink().0.len(), 1);
        assert_eq!(out.sink().0[0].len(), 128);
        out.print("y".repeat(300)); // 22 pending + 300: 128 buffered, then 128 direct
        let lens: Vec<usize> = out.sink().0.iter().map(String::len).collect();
        assert_eq!(lens, [128, 128, 128]);
        out.finish();
        let total: usize = out.sink().0.iter().map(String::len).sum();
        assert_eq!(total, 450);
        assert_eq!(out.sink().0.concat(), line.repeat(3) + &"y".repeat(300));
    }
}
