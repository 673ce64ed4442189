import Foundation
@testable import PavilionNet
import Synchronization
import XCTest

/// Work put off with `LoopIteration.atEnd` runs on the loop after the
/// iteration's other work, also when the loop is stopping, and never off a loop.
final class LoopIterationTests: XCTestCase {
    func testWorkRunsAfterTheRestOfTheIteration() throws {
        let group = try EventLoopGroup(threads: 1)
        defer { group.shutdown() }
        let loop = group.next()
        let order = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        loop.execute {
            order.withLock { $0.append("first") }
            XCTAssertEqual(LoopIteration.currentLoop, ObjectIdentifier(loop))
            XCTAssertTrue(LoopIteration.atEnd {
                order.withLock { $0.append("end") }
                // Work put off by put-off work still runs in this iteration.
                LoopIteration.atEnd {
                    order.withLock { $0.append("end of end") }
                    done.signal()
                }
            })
            loop.execute { order.withLock { $0.append("later in the iteration") } }
        }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(order.withLock { $0 }, ["first", "later in the iteration", "end", "end of end"])
    }

    func testAStoppingLoopRunsItsPutOffWorkFirst() throws {
        let group = try EventLoopGroup(threads: 1)
        let ran = Mutex(false)
        group.next().execute { LoopIteration.atEnd { ran.withLock { $0 = true } } }
        group.shutdown()
        XCTAssertTrue(ran.withLock { $0 })
    }

    func testNothingIsPutOffOffALoop() {
        XCTAssertNil(LoopIteration.currentLoop)
        let ran = Mutex(false)
        XCTAssertFalse(LoopIteration.atEnd { ran.withLock { $0 = true } })
        XCTAssertFalse(ran.withLock { $0 })
    }
}
