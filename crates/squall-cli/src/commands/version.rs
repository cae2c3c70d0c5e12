//! `squall version`: Storm's three lines (`Storm <version>`, `Branch <branch>`, `From source with
//! checksum <sum>`), with the git commit squall was built from in place of Storm's source checksum.

use std::io::Write;

use anyhow::Context;

use super::Outcome;

/// The version lines.
pub fn text() -> String {
    let branch = option_env!("SQUALL_GIT_BRANCH").unwrap_or("unknown");
    let commit = option_env!("SQUALL_GIT_COMMIT").unwrap_or("unknown");
    format!("Squall {}\nBranch {branch}\nFrom source with commit {commit}\n", env!("CARGO_PKG_VERSION"))
}

/// Prints the version lines on stdout.
///
/// # Errors
/// Writing to stdout failed.
pub fn run() -> anyhow::Result<Outcome> {
    std::io::stdout().lock().write_all(text().as_bytes()).context("cannot write to stdout")?;
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    #[test]
    fn three_lines_in_storms_order() {
        let text = super::text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], format!("Squall {}", env!("CARGO_PKG_VERSION")));
        assert!(lines[1].starts_with("Branch "));
        assert!(lines[2].starts_with("From source with commit "));
    }
}
