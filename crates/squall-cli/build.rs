//! Records the git branch and commit for `squall version` (Storm prints its branch and a source
//! checksum). Outside a git checkout both are "unknown".
#![allow(clippy::print_stdout, reason = "a build script talks to cargo on stdout")]

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_owned())
}

fn main() {
    let branch = git(&["rev-parse", "--abbrev-ref", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let commit = git(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=SQUALL_GIT_BRANCH={branch}");
    println!("cargo:rustc-env=SQUALL_GIT_COMMIT={commit}");
    println!("cargo:rerun-if-changed=build.rs");
    // Rerun when HEAD moves: HEAD itself (branch switches) and the branch's ref (commits).
    if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        let dir = Path::new(&dir);
        for file in
            [Some("HEAD".to_owned()), git(&["symbolic-ref", "-q", "HEAD"]), Some("packed-refs".into())]
                .into_iter()
                .flatten()
        {
            let path = dir.join(file);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
}
