/// A Bitstring Status List `statusPurpose`. Any string is allowed; the
/// four registered ones must be used for their meaning.
public struct StatusPurpose: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The string.
    public let rawValue: String
    /// - Parameter rawValue: the purpose string.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Cancels validity; not reversible.
    public static let revocation = StatusPurpose(rawValue: "revocation")
    /// Temporarily prevents acceptance; reversible.
    public static let suspension = StatusPurpose(rawValue: "suspension")
    /// An arbitrary message chosen from `statusMessage`.
    public static let message = StatusPurpose(rawValue: "message")
    /// An updated credential is available; does not invalidate.
    public static let refresh = StatusPurpose(rawValue: "refresh")

    public var description: String { rawValue }
}
