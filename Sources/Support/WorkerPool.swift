#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A bounded pool of threads for blocking work (HTTP calls through libcurl), the checker's way of
/// reconciling many accounts and regions at once. Threads, not Swift concurrency: a libcurl call
/// blocks its thread, and the cooperative pool has only as many threads as cores.
///
/// Each thread makes its own state first (its own HTTP handle: libcurl handles are not shared
/// between threads), then takes items one at a time until none is left. Results come back in the
/// items' order.
public enum WorkerPool {
    public static func map<Item: Sendable, State, Output: Sendable>(
        _ items: [Item], workers: Int, makeState: @Sendable () -> State, _ work: @Sendable (inout State, Item) -> Output
    ) -> [Output] {
        let threadCount = max(1, min(workers, items.count))
        guard threadCount > 1 else {
            // Nothing to overlap: no thread to start.
            var state = makeState()
            return items.map { work(&state, $0) }
        }
        let next = Atomic<Int>(0)
        let results = Mutex<[Output?]>(Array(repeating: nil, count: items.count))
        withoutActuallyEscaping(makeState) { makeState in
            withoutActuallyEscaping(work) { work in
                let body: @Sendable () -> Void = {
                    var state = makeState()
                    while true {
                        let index = next.add(1, ordering: .relaxed).oldValue
                        guard index < items.count else { return }
                        let output = work(&state, items[index])
                        results.withLock { $0[index] = output }
                    }
                }
                let threads = (0..<threadCount).map { _ in Thread.start(body) }
                threads.forEach { $0.join() }
            }
        }
        return results.withLock { $0.map { $0! } }
    }

    /// One POSIX thread running a closure; joined before the pool returns, so the closure never
    /// outlives what it captured.
    struct Thread {
        private var handle: pthread_t

        private final class Box {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }

        static func start(_ body: @escaping @Sendable () -> Void) -> Thread {
            let box = Unmanaged.passRetained(Box(body)).toOpaque()
            var handle = pthread_t()
            let status = pthread_create(&handle, nil, { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, box)
            precondition(status == 0, "pthread_create failed: \(status)")
            return Thread(handle: handle)
        }

        func join() {
            pthread_join(handle, nil)
        }
    }
}
