import Synchronization

/// Idle OpenSSL contexts of one kind (set up once, then reused), lent to one
/// caller at a time: an OpenSSL context may not be used by two threads at
/// once, and setting one up costs more than the work it then does. A caller
/// borrows an idle context or gets a new one when all are busy, and gives
/// it back afterwards, or discards it when its call failed. There are as
/// many contexts as calls ever ran at the same time, of which at most
/// `maximumIdle` are kept.
final class OpenSSLContextPool: Sendable {
    /// One context, owned by the pool while idle and by one caller while lent.
    struct Context: @unchecked Sendable {
        // @unchecked: the pointer is used by one thread at a time (see above).
        let pointer: OpaquePointer
    }

    private let maximumIdle: Int
    private let make: @Sendable () throws(CryptoError) -> OpaquePointer
    private let free: @Sendable (OpaquePointer) -> Void
    private let idle = Mutex<[Context]>([])

    /// - Parameters:
    ///   - maximumIdle: idle contexts kept; more are freed when given back.
    ///   - make: sets up a new context.
    ///   - free: frees one.
    init(maximumIdle: Int, make: @escaping @Sendable () throws(CryptoError) -> OpaquePointer,
         free: @escaping @Sendable (OpaquePointer) -> Void) {
        self.maximumIdle = maximumIdle
        self.make = make
        self.free = free
    }

    deinit {
        for context in idle.withLock({ $0 }) { free(context.pointer) }
    }

    /// An idle context, or a new one.
    func borrow() throws(CryptoError) -> Context {
        if let context = idle.withLock({ $0.popLast() }) { return context }
        return Context(pointer: try make())
    }

    /// Keep `context` for the next caller (or free it when enough are idle).
    func giveBack(_ context: Context) {
        let kept = idle.withLock { contexts -> Bool in
            guard contexts.count < maximumIdle else { return false }
            contexts.append(context)
            return true
        }
        if !kept { free(context.pointer) }
    }

    /// Free `context`, whose call failed, instead of reusing it.
    func discard(_ context: Context) { free(context.pointer) }
}
