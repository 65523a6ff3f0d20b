//! Progress and messages on stderr: a spinner on a terminal, plain lines otherwise.

use std::io::IsTerminal;

pub struct Output {
    pub quiet: bool,
    pub verbose: u8,
    bar: Option<indicatif::ProgressBar>,
}

impl Output {
    pub fn new(quiet: bool, verbose: u8) -> Output {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        });
        Output {
            quiet,
            verbose,
            bar,
        }
    }

    /// A step of long work.
    pub fn step(&self, msg: &str) {
        if self.quiet {
            return;
        }
        match &self.bar {
            Some(b) => b.set_message(msg.to_string()),
            None => {
                if self.verbose > 0 {
                    eprintln!("{msg}");
                }
            }
        }
    }

    pub fn done(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }

    /// A line of the human summary.
    pub fn say(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }
}
