//! The `logiclock` binary: everything is in the library's [`logiclock::command`].

fn main() -> std::process::ExitCode {
    logiclock::command::main()
}
