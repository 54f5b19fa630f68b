//! The person at the keyboard: prompts on standard error, each on its own
//! line, answers from the terminal (secrets without echo) or, when standard
//! input is not a terminal or `--stdin` is given, a line of standard input
//! each.

use std::io::{self, BufRead, IsTerminal, Write};

use zeroize::Zeroizing;

use crate::failure::Failure;

/// Empty answers in a row before the command gives up.
const MAX_EMPTY: u32 = 3;

/// Where answers come from.
pub struct Terminal {
    /// Lines of standard input rather than the terminal.
    piped: bool,
}

impl Terminal {
    /// Reads from standard input when told to, or when it is not a terminal.
    pub fn new(force_stdin: bool) -> Self {
        Terminal { piped: force_stdin || !io::stdin().is_terminal() }
    }

    /// Says something on a line of its own.
    pub fn say(&self, text: &str) {
        eprintln!("{text}");
    }

    /// Reads a secret: without echo on a terminal, a line of standard input otherwise.
    pub fn secret(&self, prompt: &str) -> Result<Zeroizing<String>, Failure> {
        self.non_empty(prompt, |prompt| {
            if self.piped {
                read_piped(prompt)
            } else {
                match rpassword::prompt_password(format!("{prompt} ")) {
                    Ok(text) => Ok(Some(Zeroizing::new(text))),
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                        Err(Failure::Cancelled(format!("interrupted at the prompt {prompt:?}")))
                    }
                    Err(e) => Err(Failure::Unexpected(format!("reading the terminal: {e}"))),
                }
            }
        })
    }

    /// Reads a line that is no secret (a code, a choice, an attribute), echoed as typed.
    pub fn line(&self, prompt: &str) -> Result<String, Failure> {
        self.non_empty(prompt, |prompt| {
            if self.piped {
                return read_piped(prompt);
            }
            eprint!("{prompt} ");
            let _ = io::stderr().flush();
            read_stdin()
        })
        .map(|line| line.to_string())
    }

    /// Asks for one of `options` by number; returns its index.
    pub fn choose(&self, title: &str, options: &[String]) -> Result<usize, Failure> {
        self.say(title);
        for (number, option) in options.iter().enumerate() {
            self.say(&format!("  {}) {option}", number + 1));
        }
        let prompt = format!("Choice [1-{}]:", options.len());
        for _ in 0..MAX_EMPTY {
            let typed = self.line(&prompt)?;
            match typed.trim().parse::<usize>() {
                Ok(number) if (1..=options.len()).contains(&number) => return Ok(number - 1),
                _ => self.say(&format!("{typed:?} is not a number from 1 to {}", options.len())),
            }
        }
        Err(Failure::Cancelled(format!("no valid choice at {title:?}")))
    }

    /// Asks until something is typed; the end of input cancels.
    fn non_empty(
        &self,
        prompt: &str,
        mut read: impl FnMut(&str) -> Result<Option<Zeroizing<String>>, Failure>,
    ) -> Result<Zeroizing<String>, Failure> {
        for _ in 0..MAX_EMPTY {
            match read(prompt)? {
                None => return Err(Failure::Cancelled(format!("the input ended at the prompt {prompt:?}"))),
                Some(text) if text.is_empty() && self.piped => {
                    return Err(Failure::Usage(format!("an empty line was given at the prompt {prompt:?}")));
                }
                Some(text) if text.is_empty() => self.say("nothing was typed; again, or Ctrl-D to stop"),
                Some(text) => return Ok(text),
            }
        }
        Err(Failure::Cancelled(format!("nothing typed at the prompt {prompt:?}")))
    }
}

/// The prompt on its own line (nobody sees the answer typed after it), then a line of input.
fn read_piped(prompt: &str) -> Result<Option<Zeroizing<String>>, Failure> {
    eprintln!("{prompt}");
    read_stdin()
}

/// A line of standard input without its line ending; `None` at its end.
fn read_stdin() -> Result<Option<Zeroizing<String>>, Failure> {
    let mut line = Zeroizing::new(String::new());
    match io::stdin().lock().read_line(&mut line) {
        Ok(0) => Ok(None),
        Ok(_) => {
            let kept = line.trim_end_matches(['\r', '\n']).len();
            line.truncate(kept);
            Ok(Some(line))
        }
        Err(e) => Err(Failure::Unexpected(format!("reading standard input: {e}"))),
    }
}
