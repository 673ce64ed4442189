import Synchronization

/// The connection limit of one endpoint: at most `limit` exchanges in flight
/// (one connection each); more wait in a FIFO queue of at most `maxWaiters`
/// until a slot frees or their deadline passes.
///
/// A lock box rather than an actor: `acquire` is called from event-loop
/// threads and must not hop.
final class EndpointGate: Sendable {
    /// Why a slot was not granted.
    enum Refusal: Error, Sendable {
        /// The deadline passed while waiting.
        case deadline
        /// The wait queue is full.
        case queueFull
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var inUse = 0
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        var peakInUse = 0
        var exhausted = 0
    }

    /// Most slots.
    let limit: Int
    /// Most waiters.
    let maxWaiters: Int
    private let state = Mutex(State())

    /// - Parameters:
    ///   - limit: slots (at least 1).
    ///   - maxWaiters: queue length (at least 0).
    init(limit: Int, maxWaiters: Int) {
        self.limit = max(1, limit)
        self.maxWaiters = max(0, maxWaiters)
    }

    /// Slots in use, waiters queued, the most slots ever in use, refusals.
    var counts: (inUse: Int, waiting: Int, peak: Int, exhausted: Int) {
        state.withLock { ($0.inUse, $0.waiters.count, $0.peakInUse, $0.exhausted) }
    }

    /// Take a slot, waiting at most until `deadline`.
    /// - Parameter deadline: when to give up.
    /// - Throws: ``Refusal``.
    func acquire(deadline: ContinuousClock.Instant) async throws(Refusal) {
        enum Immediate { case granted, queue(UInt64), full }
        let immediate: Immediate = state.withLock { s in
            if s.inUse < limit, s.waiters.isEmpty {
                s.inUse += 1
                s.peakInUse = max(s.peakInUse, s.inUse)
                return .granted
            }
            guard s.waiters.count < maxWaiters, ContinuousClock.now < deadline else {
                s.exhausted += 1
                return .full
            }
            s.nextID &+= 1
            return .queue(s.nextID)
        }
        let id: UInt64
        switch immediate {
        case .granted: return
        case .full: throw Refusal.queueFull
        case .queue(let n): id = n
        }
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            self.expire(id)
        }
        let granted = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let resumeNow = state.withLock { s -> Bool? in
                // A slot may have freed between the check above and here.
                if s.inUse < limit, s.waiters.isEmpty {
                    s.inUse += 1
                    s.peakInUse = max(s.peakInUse, s.inUse)
                    return true
                }
                // The timer may already have fired (it runs only after the deadline).
                if ContinuousClock.now >= deadline {
                    s.exhausted += 1
                    return false
                }
                s.waiters.append(Waiter(id: id, continuation: continuation))
                return nil
            }
            if let resumeNow { continuation.resume(returning: resumeNow) }
        }
        timer.cancel()
        guard granted else { throw Refusal.deadline }
    }

    /// Give a slot back: the oldest waiter takes it.
    func release() {
        let next = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            if s.waiters.isEmpty {
                s.inUse = max(0, s.inUse - 1)
                return nil
            }
            return s.waiters.removeFirst().continuation
        }
        next?.resume(returning: true)
    }

    private func expire(_ id: UInt64) {
        let expired = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            s.exhausted += 1
            return s.waiters.remove(at: index).continuation
        }
        expired?.resume(returning: false)
    }
}
