/// Work put off to the end of the current iteration of the event loop
/// whose thread is running, to batch per-request side effects: the
/// access log gathers the lines of one iteration and writes them with one
/// `write(2)`.
///
/// An iteration ends after its ready sockets, timers and jobs; a loop that
/// is stopping runs the work before it stops. Off a loop thread (or after
/// its loop stopped) nothing is put off.
public enum LoopIteration {
    /// The event loop running on the calling thread, as an opaque
    /// identifier; `nil` on any other thread.
    public static var currentLoop: ObjectIdentifier? { EventLoop.current.map(ObjectIdentifier.init) }

    /// Run `body` on the calling thread at the end of its event loop's
    /// current iteration.
    /// - Parameter body: the work; it may put off more work.
    /// - Returns: `false`, without keeping `body`, when the caller is not on
    ///   an event loop's thread.
    @discardableResult
    public static func atEnd(_ body: @escaping () -> Void) -> Bool {
        guard let loop = EventLoop.current else { return false }
        loop.atIterationEnd(body)
        return true
    }
}
