//! The binary on a real terminal: a pseudo-terminal of a given size as its stdout and stderr,
//! and a small screen that replays what it wrote (text, `\r`, `\n`, cursor moves, line and
//! screen clears; colors ignored), so a test can look at the screen as a user would.

use std::fs::File;
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;
use std::process::ExitStatus;
use std::time::Duration;

use nix::fcntl::{fcntl, FcntlArg, FdFlag};
use nix::pty::{openpty, Winsize};

use crate::cmd::Logiclock;

/// What a command wrote to its terminal, in the chunks it was read in, and how it ended.
pub struct TerminalRun {
    pub status: ExitStatus,
    pub rows: usize,
    pub cols: usize,
    pub chunks: Vec<Vec<u8>>,
}

impl TerminalRun {
    /// Run `logiclock ARGS` in `cwd` on a `rows` x `cols` terminal, at most `timeout`.
    pub fn run(cwd: &Path, args: &[&str], rows: u16, cols: u16, timeout: Duration) -> TerminalRun {
        let done = Logiclock::new()
            .args(args)
            .current_dir(cwd)
            .env_remove("NO_COLOR")
            .on_terminal(rows, cols)
            .timeout(timeout)
            .finish();
        TerminalRun {
            status: done.status,
            rows: rows.into(),
            cols: cols.into(),
            chunks: done.stdout_chunks,
        }
    }

    /// Replay the output, calling `each` with the screen after every chunk, as a user saw it.
    pub fn replay(&self, mut each: impl FnMut(&Screen)) -> Screen {
        let all: Vec<u8> = self.chunks.concat();
        let text = String::from_utf8(all).expect("the terminal output is UTF-8");
        let mut ends = self.chunks.iter().scan(0, |at, c| {
            *at += c.len();
            Some(*at)
        });
        let mut next = ends.next();
        let mut screen = Screen::new(self.rows, self.cols);
        for (at, c) in text.char_indices() {
            while next.is_some_and(|end| end <= at) {
                each(&screen);
                next = ends.next();
            }
            screen.put(c);
        }
        each(&screen);
        screen
    }
}

/// A pseudo-terminal of `rows` x `cols`: (master, slave), for [`crate::cmd::Logiclock`].
pub fn open(rows: u16, cols: u16) -> (File, OwnedFd) {
    let size = Winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let pty = openpty(&size, None).expect("failed to open a pseudo-terminal");
    // openpty(3) cannot ask for close-on-exec: set it at once, so that a command another test
    // starts does not inherit the terminal and keep it open past this command's end.
    for fd in [pty.master.as_fd(), pty.slave.as_fd()] {
        fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC)).expect("failed to set close-on-exec");
    }
    (File::from(pty.master), pty.slave)
}

/// Where the screen's parser is in an escape sequence.
enum Escape {
    None,
    Esc,
    Csi(String),
}

/// A terminal screen: a grid of characters, a cursor that wraps late (after the last column, at
/// the next character, as xterm and tmux do), and the lines scrolled off its top.
pub struct Screen {
    rows: usize,
    cols: usize,
    grid: Vec<Vec<char>>,
    row: usize,
    col: usize,
    wrap_pending: bool,
    scrolled: Vec<String>,
    escape: Escape,
}

impl Screen {
    fn new(rows: usize, cols: usize) -> Screen {
        Screen {
            rows,
            cols,
            grid: vec![vec![' '; cols]; rows],
            row: 0,
            col: 0,
            wrap_pending: false,
            scrolled: Vec::new(),
            escape: Escape::None,
        }
    }

    /// The screen's lines, without trailing blanks.
    pub fn lines(&self) -> Vec<String> {
        self.grid
            .iter()
            .map(|r| r.iter().collect::<String>().trim_end().to_owned())
            .collect()
    }

    /// The scrolled-off lines and the screen's, without the empty lines at the bottom.
    pub fn transcript(&self) -> Vec<String> {
        let mut lines = self.scrolled.clone();
        lines.extend(self.lines());
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        lines
    }

    fn put(&mut self, c: char) {
        match std::mem::replace(&mut self.escape, Escape::None) {
            Escape::Esc if c == '[' => self.escape = Escape::Csi(String::new()),
            // Other escapes (charset, save cursor) do not move text.
            Escape::Esc => {}
            Escape::Csi(mut params) => {
                if ('@'..='~').contains(&c) {
                    self.csi(&params, c);
                } else {
                    params.push(c);
                    self.escape = Escape::Csi(params);
                }
            }
            Escape::None => match c {
                '\x1b' => self.escape = Escape::Esc,
                '\r' => self.move_to(self.row, 0),
                '\n' => self.line_feed(),
                '\x08' => self.move_to(self.row, self.col.saturating_sub(1)),
                c if c < ' ' => {}
                c => self.print(c),
            },
        }
    }

    fn print(&mut self, c: char) {
        if self.wrap_pending {
            self.col = 0;
            self.line_feed();
        }
        self.grid[self.row][self.col] = c;
        if self.col + 1 == self.cols {
            self.wrap_pending = true;
        } else {
            self.col += 1;
        }
    }

    fn line_feed(&mut self) {
        self.wrap_pending = false;
        if self.row + 1 == self.rows {
            let top = self.grid.remove(0);
            self.scrolled
                .push(top.iter().collect::<String>().trim_end().to_owned());
            self.grid.push(vec![' '; self.cols]);
        } else {
            self.row += 1;
        }
    }

    fn move_to(&mut self, row: usize, col: usize) {
        self.wrap_pending = false;
        self.row = row.min(self.rows - 1);
        self.col = col.min(self.cols - 1);
    }

    fn csi(&mut self, params: &str, command: char) {
        let numbers: Vec<usize> = params
            .trim_start_matches('?')
            .split(';')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let n = numbers.first().copied().unwrap_or(0);
        let count = n.max(1);
        match command {
            'A' => self.move_to(self.row.saturating_sub(count), self.col),
            'B' => self.move_to(self.row + count, self.col),
            'C' => self.move_to(self.row, self.col + count),
            'D' => self.move_to(self.row, self.col.saturating_sub(count)),
            'G' => self.move_to(self.row, count - 1),
            'H' => {
                let col = numbers.get(1).copied().unwrap_or(1).max(1);
                self.move_to(count - 1, col - 1);
            }
            'K' => {
                let (from, to) = match n {
                    0 => (self.col, self.cols),
                    1 => (0, self.col + 1),
                    _ => (0, self.cols),
                };
                self.grid[self.row][from..to].fill(' ');
            }
            'J' => {
                let rows = match n {
                    0 => self.row + 1..self.rows,
                    1 => 0..self.row,
                    _ => 0..self.rows,
                };
                for r in rows {
                    self.grid[r].fill(' ');
                }
                if n == 0 {
                    self.grid[self.row][self.col..].fill(' ');
                }
            }
            // Colors, cursor visibility and modes do not move text.
            _ => {}
        }
    }
}
