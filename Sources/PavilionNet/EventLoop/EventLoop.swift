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
///
/// The loop is also a Swift `TaskExecutor`: a task started with
/// `Task(executorPreference: loop)` runs its nonisolated code on the loop
/// thread, and so do its resumptions (a continuation resumed by a socket
/// event on this loop runs in the same loop iteration, without a thread
/// hand-off or a wake-up). Jobs enqueued from the loop thread go on a
/// loop-local queue without a lock; jobs from other threads go through the
/// locked queue and the eventfd, like `execute`.
final class EventLoop: TaskExecutor, @unchecked Sendable {
    // @unchecked: `pending`, `remoteJobs`, `signalled` and `stopped` are only
    // touched under `lock`; everything marked loop-thread below only on the
    // loop thread (checked with `inLoop`).
    let index: Int
    private let epfd: Int32
    private let wakeFD: Int32
    private let lock = NSLock()
    private var pending: [@Sendable () -> Void] = []
    private var remoteJobs: [UnownedJob] = []
    private var signalled = false
    private var stopping = false
    private var stopped = false
    // Loop-thread state below.
    private var localWork: [() -> Void] = []
    private var localJobs: [UnownedJob] = []
    private var runningJobs: [UnownedJob] = []
    private var handlers: [Int32: EventHandler] = [:]
    private var timers = TimerHeap()
    private let finished = DispatchSemaphore(value: 0)
    private let started = DispatchSemaphore(value: 0)
    /// A read buffer shared by every connection on this loop (bytes are
    /// copied out before the next read), so idle connections own no buffer.
    var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    /// Rounds of newly enqueued jobs run in one iteration before the loop
    /// polls its sockets again (bounded, so a task that keeps yielding
    /// cannot starve I/O).
    private static let jobRoundsPerIteration = 4

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
            CurrentLoop.set(self)
            self.started.signal()
            self.run()
            CurrentLoop.set(nil)
            self.finishJobsAfterStop()
            self.finished.signal()
        }
        t.name = "pavilion-net-\(index)"
        t.stackSize = 1 << 20
        t.start()
        started.wait()
    }

    /// The loop whose thread is the caller's, if any.
    static var current: EventLoop? { CurrentLoop.get() }

    /// Whether the caller is on this loop's thread.
    var inLoop: Bool { CurrentLoop.get() === self }

    /// Run `work` on the loop thread, soon. From the loop thread itself it
    /// runs later in the same iteration.
    func execute(_ work: @escaping @Sendable () -> Void) {
        if inLoop {
            localWork.append(work)
            return
        }
        let wake = lock.withLock { () -> Bool in
            pending.append(work)
            return signal()
        }
        if wake { Sys.signalEventFD(wakeFD) }
    }

    /// Stop after the current iteration and wait for the thread to end.
    func stopAndJoin() {
        lock.withLock { stopping = true }
        Sys.signalEventFD(wakeFD)
        if !inLoop { finished.wait() }
    }

    /// Under `lock`: whether the caller must write the eventfd.
    private func signal() -> Bool {
        if signalled { return false }
        signalled = true
        return true
    }

    // MARK: TaskExecutor

    /// Run `job` on the loop thread: in this iteration when enqueued from
    /// the loop, else after waking the loop. After the loop has stopped,
    /// jobs run on a global queue so that no task is left suspended forever.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if inLoop {
            localJobs.append(job)
            return
        }
        let (wake, isStopped) = lock.withLock { () -> (Bool, Bool) in
            if stopped { return (false, true) }
            remoteJobs.append(job)
            return (signal(), false)
        }
        if isStopped {
            runElsewhere([job])
        } else if wake {
            Sys.signalEventFD(wakeFD)
        }
    }

    private func runElsewhere(_ jobs: [UnownedJob]) {
        guard !jobs.isEmpty else { return }
        let executor = asUnownedTaskExecutor()
        DispatchQueue.global().async {
            for job in jobs { job.runSynchronously(on: executor) }
        }
    }

    private func finishJobsAfterStop() {
        let leftover = lock.withLock { () -> [UnownedJob] in
            stopped = true
            defer { remoteJobs = [] }
            return remoteJobs
        }
        runElsewhere(localJobs + leftover)
        localJobs = []
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
        let executor = asUnownedTaskExecutor()
        while true {
            var timeout: Int32 = -1
            if !localJobs.isEmpty || !localWork.isEmpty {
                timeout = 0
            } else if let next = timers.earliest {
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
            let (work, jobs, stop) = lock.withLock { () -> ([@Sendable () -> Void], [UnownedJob], Bool) in
                let w = pending
                let j = remoteJobs
                pending.removeAll(keepingCapacity: true)
                remoteJobs.removeAll(keepingCapacity: true)
                signalled = false
                return (w, j, stopping)
            }
            for item in work { item() }
            if !localWork.isEmpty {
                let local = localWork
                localWork.removeAll(keepingCapacity: true)
                for item in local { item() }
            }
            if !timers.isEmpty {
                for item in timers.popDue(now: Sys.now()) { item() }
            }
            localJobs.append(contentsOf: jobs)
            var rounds = 0
            while !localJobs.isEmpty, rounds < Self.jobRoundsPerIteration {
                rounds += 1
                swap(&runningJobs, &localJobs)
                for job in runningJobs { job.runSynchronously(on: executor) }
                runningJobs.removeAll(keepingCapacity: true)
            }
            if stop { return }
        }
    }
}

/// The event loop of the calling thread, in a POSIX thread-specific slot
/// (set by the loop thread for its lifetime, unretained: the group keeps
/// the loop alive while its thread runs).
private enum CurrentLoop {
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        let rc = pthread_key_create(&key, nil)
        precondition(rc == 0, "pthread_key_create failed: \(rc)")
        return key
    }()

    static func set(_ loop: EventLoop?) {
        _ = pthread_setspecific(key, loop.map { UnsafeRawPointer(Unmanaged.passUnretained($0).toOpaque()) })
    }

    static func get() -> EventLoop? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        return Unmanaged<EventLoop>.fromOpaque(pointer).takeUnretainedValue()
    }
}
