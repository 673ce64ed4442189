import Foundation

/// A fixed set of event loops, one thread each (one per core by default).
/// Servers and clients built on the same group share its threads; no
/// connection ever gets a thread of its own.
public final class EventLoopGroup: Sendable {
    let loops: [EventLoop]
    private let cursor = LockedCounter()

    /// Start `threads` event loops.
    /// - Parameter threads: loop threads; defaults to the number of active cores.
    /// - Throws: `NetError` when `epoll_create1` or `eventfd` fails.
    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(NetError) {
        var loops: [EventLoop] = []
        for index in 0..<max(1, threads) { loops.append(try EventLoop(index: index)) }
        self.loops = loops
        for loop in loops { loop.start() }
    }

    /// The number of loop threads.
    public var threadCount: Int { loops.count }

    /// The next loop, round robin.
    func next() -> EventLoop { loops[cursor.next() % loops.count] }

    /// Stop every loop and join its thread. Stop servers and clients first.
    public func shutdown() {
        for loop in loops { loop.stopAndJoin() }
    }
}

/// A small lock box for an incrementing counter.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value &+= 1; return value } }
}
