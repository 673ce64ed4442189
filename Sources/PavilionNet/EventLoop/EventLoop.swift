import Foundation
import Glibc

/// Something registered with an event loop for readiness on one descriptor.
/// Called on the loop thread only.
protocol EventHandler: AnyObject {
    func handleEvents(_ events: UInt32)
}

/// One epoll loop on its own thread. Sockets, timers and the objects that
/// own them are confined to it; other threads hand it work with `execute`,
/// which wakes it through an eventfd.
final class EventLoop: @unchecked Sendable {
    let index: Int
    private let epfd: Int32
    private let wakeFD: Int32
    private let lock = NSLock()
    private var pending: [@Sendable () -> Void] = []
    private var stopping = false
    // Loop-thread state below.
    private var handlers: [Int32: EventHandler] = [:]
    private var timers = TimerHeap()
    private var thread: pthread_t?
    private let finished = DispatchSemaphore(value: 0)
    private let started = DispatchSemaphore(value: 0)
    /// A read buffer shared by every connection on this loop (bytes are
    /// copied out before the next read), so idle connections own no buffer.
    var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(index: Int) throws(NetError) {
        self.index = index
        epfd = try Sys.epollCreate()
        do throws(NetError) {
            wakeFD = try Sys.eventFD()
        } catch {
            Sys.close(epfd)
            throw error
        }
        do throws(NetError) { try Sys.epollAdd(epfd, fd: wakeFD, events: Sys.readable) } catch {
            Sys.close(wakeFD)
            Sys.close(epfd)
            throw error
        }
    }

    deinit {
        Sys.close(wakeFD)
        Sys.close(epfd)
    }

    /// Start the loop thread.
    func start() {
        let t = Thread { [self] in
            self.thread = pthread_self()
            self.started.signal()
            self.run()
            self.finished.signal()
        }
        t.name = "pavilion-net-\(index)"
        t.stackSize = 1 << 20
        t.start()
        started.wait()
    }

    /// Whether the caller is on this loop's thread.
    var inLoop: Bool {
        guard let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Run `work` on the loop thread, soon.
    func execute(_ work: @escaping @Sendable () -> Void) {
        let wake = lock.withLock { () -> Bool in
            pending.append(work)
            return pending.count == 1
        }
        if wake { Sys.signalEventFD(wakeFD) }
    }

    /// Stop after the current iteration and wait for the thread to end.
    func stopAndJoin() {
        lock.withLock { stopping = true }
        Sys.signalEventFD(wakeFD)
        if !inLoop { finished.wait() }
    }

    // MARK: Loop-thread API

    func register(_ fd: Int32, events: UInt32, handler: EventHandler) throws(NetError) {
        try Sys.epollAdd(epfd, fd: fd, events: events)
        handlers[fd] = handler
    }

    func modify(_ fd: Int32, events: UInt32) {
        try? Sys.epollModify(epfd, fd: fd, events: events)
    }

    func unregister(_ fd: Int32) {
        Sys.epollRemove(epfd, fd: fd)
        handlers[fd] = nil
    }

    /// Run `work` on this loop at `deadline` (monotonic ns) or soon after.
    func schedule(at deadline: UInt64, _ work: @escaping () -> Void) {
        timers.schedule(at: deadline, work)
    }

    private func run() {
        var batch = Sys.EventBatch(capacity: 512)
        while true {
            var timeout: Int32 = -1
            if let next = timers.earliest {
                let now = Sys.now()
                timeout = next <= now ? 0 : Int32(min((next - now + 999_999) / 1_000_000, 60_000))
            }
            Sys.epollWait(epfd, into: &batch, timeoutMilliseconds: timeout)
            for i in 0..<batch.count {
                let fd = batch.fd(at: i)
                if fd == wakeFD {
                    Sys.drainEventFD(wakeFD)
                    continue
                }
                handlers[fd]?.handleEvents(batch.flags(at: i))
            }
            let (work, stop) = lock.withLock { () -> ([@Sendable () -> Void], Bool) in
                let w = pending
                pending.removeAll(keepingCapacity: true)
                return (w, stopping)
            }
            for item in work { item() }
            if !timers.isEmpty {
                for item in timers.popDue(now: Sys.now()) { item() }
            }
            if stop { return }
        }
    }
}
