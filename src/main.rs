fn main() -> std::process::ExitCode {
    linkedin_privacy::run()
}
