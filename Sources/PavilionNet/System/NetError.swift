import Glibc

/// A failed system call: which call, the `errno` value and its text.
public struct NetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The call that failed, e.g. `bind`.
    public var call: String
    /// The `errno` value (0 when the failure is ours, not the kernel's).
    public var errno: Int32
    /// `strerror(errno)` or a reason of ours.
    public var reason: String

    /// - Parameters: the fields above.
    public init(call: String, errno: Int32, reason: String) {
        self.call = call
        self.errno = errno
        self.reason = reason
    }

    static func system(_ call: String, _ code: Int32 = Glibc.errno) -> NetError {
        NetError(call: call, errno: code, reason: String(cString: strerror(code)))
    }

    public var description: String { "\(call): \(reason) (errno \(errno))" }
}
