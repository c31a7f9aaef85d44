import CShims

/// glibc gives each thread that allocates its own arena (up to eight per core), and each arena
/// keeps the high-water mark of what was allocated in it. A program whose work hops between
/// threads (GRDB's queues, the cooperative pool, a transfer thread per exchange) then holds
/// the sum of those peaks. Called first thing by a program that should stay small.
public func limitMallocArenas(to arenas: Int32 = 2) {
    _ = cshims_limit_malloc_arenas(arenas)
}
