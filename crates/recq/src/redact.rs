//! What a usage error may quote of the command line (issue 12 §1).
//!
//! recq takes credentials only from the environment and the config file, never from a flag,
//! so clap may quote the value of a real flag (`invalid value 'x' for '--interval'`): the
//! user typed it, and it is not a credential. A word that no flag takes (a stray positional,
//! an unknown subcommand) is not quoted: it is the likeliest place for a secret pasted by
//! mistake (`recq zego status TASK $ZEGO_SERVER_SECRET`). An unknown flag is named, never its
//! value (clap already reports `--server-secret=…` as `--server-secret`).

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// What a usage error shows in place of a stray word.
pub(crate) const HIDDEN: &str = "<not shown: a stray word may be a pasted secret>";

/// Replaces, in a clap error, a stray word (an unexpected argument that is not a flag, or
/// an unrecognized subcommand) with [`HIDDEN`], and drops clap's tips, which quote it
/// (`to pass 'WORD' as a value, use '-- WORD'`). Suggestions of known names are kept.
pub(crate) fn hide_stray_words(error: &mut clap::Error) {
    let context = match error.kind() {
        ErrorKind::UnknownArgument => ContextKind::InvalidArg,
        ErrorKind::InvalidSubcommand => ContextKind::InvalidSubcommand,
        _ => return,
    };
    let is_flag = matches!(
        error.get(context),
        Some(ContextValue::String(word)) if word.starts_with('-') && word.len() > 1
    );
    if is_flag {
        // A flag's name, never its value: keep only what comes before any `=`.
        if let Some(ContextValue::String(word)) = error.get(context)
            && let Some((name, _)) = word.split_once('=')
        {
            let name = name.to_owned();
            error.insert(context, ContextValue::String(name));
            error.remove(ContextKind::Suggested);
        }
        return;
    }
    error.insert(context, ContextValue::String(HIDDEN.to_owned()));
    error.remove(ContextKind::Suggested);
}
