/// The outcome of checking a ``ReceiptBundle``.
public struct ReceiptVerification: Sendable {
    /// Where the key that checked the signatures came from.
    public enum KeySource: String, Sendable {
        /// A key the caller pinned (`--key`): the result means the log vouches.
        case pinned
        /// The bundle's own key: the result only means the bundle is
        /// self-consistent; anyone can make such a bundle with their own key.
        case bundle
    }

    /// The checks that passed, in order.
    public let passed: [ReceiptCheck]
    /// The first check that failed and why, or `nil`.
    public let failure: (check: ReceiptCheck, reason: String)?
    /// Where the key came from.
    public let keySource: KeySource
    /// The bundle, when it could be read.
    public let bundle: ReceiptBundle?

    /// Whether every check passed.
    public var isValid: Bool { failure == nil }
}
