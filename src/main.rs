fn main() -> std::process::ExitCode {
    large_blocks_go_back();
    linkedin_privacy::run()
}

/// glibc's allocator raises the size from which it maps a block on its own after a large
/// block is freed, so that later large blocks (a page of several MiB, a reply, a batch) come
/// from the heap and their memory stays with the process once freed: a run then peaks at what
/// it ever held, not at what it holds. A fixed threshold of 1 MiB keeps every such block mapped,
/// and returned when freed.
fn large_blocks_go_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning parameter, before any thread is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
