import Foundation
import Synchronization
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("Worker pool")
struct WorkerPoolTests {
    @Test("results in the items' order; at most the pool's size at once, and more than one when it can")
    func boundedAndOrdered() {
        let running = Mutex(0), peak = Mutex(0), states = Mutex(0)
        let output = WorkerPool.map(Array(0..<40), workers: 4, makeState: { states.withLock { $0 += 1 } }) { _, item in
            let now = running.withLock { $0 += 1; return $0 }
            peak.withLock { $0 = max($0, now) }
            usleep(5_000)
            running.withLock { $0 -= 1 }
            return item * 2
        }
        #expect(output == (0..<40).map { $0 * 2 })
        #expect(peak.withLock { $0 } == 4, "four threads overlap, never more")
        #expect(states.withLock { $0 } == 4, "one state (one HTTP handle) per thread")
    }

    @Test("a pool of one runs on the calling thread, in order")
    func single() {
        let order = Mutex<[Int]>([])
        _ = WorkerPool.map(Array(0..<5), workers: 1, makeState: { () }) { _, item in order.withLock { $0.append(item) } }
        #expect(order.withLock { $0 } == [0, 1, 2, 3, 4])
        #expect(WorkerPool.map([Int](), workers: 8, makeState: { () }) { _, item in item }.isEmpty)
    }
}
