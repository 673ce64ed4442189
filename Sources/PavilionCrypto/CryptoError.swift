/// A failure inside OpenSSL, with the call that failed and OpenSSL's reason.
public struct CryptoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The OpenSSL function that failed, e.g. `EVP_DigestInit_ex`.
    public var call: String
    /// OpenSSL's error-queue text, or a reason of ours.
    public var reason: String

    public init(call: String, reason: String) {
        self.call = call
        self.reason = reason
    }

    public var description: String { "\(call): \(reason)" }
}
