import Synchronization

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Runs `body` for every index on up to `jobs` threads (the calling thread is one of them) and
/// returns the results in index order, so output never depends on the thread count.
///
/// Plain POSIX threads pulling indices from an atomic counter: linting a file is synchronous,
/// CPU-bound work, and this keeps Swift's concurrency runtime out of the start-up path.
func parallelMap<T: Sendable>(count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let workers = max(1, min(jobs, count))
    if workers == 1 {
        return (0..<count).map(body)
    }
    let work = ParallelWork(count: count, body: body)
    var threads: [pthread_t] = []
    for _ in 1..<workers {
        let start = ThreadStart { work.drain() }
        let context = Unmanaged.passRetained(start).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                let start = Unmanaged<ThreadStart>.fromOpaque(raw).takeRetainedValue()
                start.run()
                return nil
            }, context)
        if rc == 0 {
            threads.append(thread)
        } else {
            // No thread: release the context; the calling thread does the work.
            Unmanaged<ThreadStart>.fromOpaque(context).release()
        }
    }
    work.drain()
    for thread in threads { pthread_join(thread, nil) }
    return work.results()
}

private final class ThreadStart: Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

private final class ParallelWork<T: Sendable>: Sendable {
    let count: Int
    let body: @Sendable (Int) -> T
    let next = Atomic<Int>(0)
    let slots: Mutex<[T?]>

    init(count: Int, body: @escaping @Sendable (Int) -> T) {
        self.count = count
        self.body = body
        slots = Mutex([T?](repeating: nil, count: count))
    }

    func drain() {
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < count else { return }
            let value = body(index)
            slots.withLock { $0[index] = value }
        }
    }

    func results() -> [T] {
        slots.withLock { slots in slots.compactMap { $0 } }
    }
}
