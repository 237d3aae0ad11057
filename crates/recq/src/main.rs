//! `recq`: query RTC cloud recordings from the shell.

fn main() {}
