import PavilionCore
import PavilionCrypto

/// A tree head, proof or receipt bundle in JSON is malformed: names the
/// member (as a dotted path) and what is wrong with it.
public struct BundleFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The dotted path of the member, e.g. `tree_head.root_hash`.
    public let member: String
    /// What is wrong with it.
    public let reason: String

    /// An error about `member`.
    /// - Parameters:
    ///   - member: the dotted path of the member.
    ///   - reason: what is wrong.
    public init(_ member: String, _ reason: String) {
        self.member = member
        self.reason = reason
    }

    public var description: String { "\(member): \(reason)" }

    // Readers shared by the JSON forms.

    static func object(_ value: JSONValue?, _ member: String, allowed: Set<String>) throws(BundleFormatError) -> [String: JSONValue] {
        guard let object = value?.objectValue else { throw BundleFormatError(member, "must be an object") }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw BundleFormatError(member, "unknown member '\(unknown)'")
        }
        return object
    }

    static func count(_ value: JSONValue?, _ member: String) throws(BundleFormatError) -> UInt64 {
        guard case .int(let n)? = value, n >= 0 else { throw BundleFormatError(member, "must be a non-negative integer") }
        return UInt64(n)
    }

    static func string(_ value: JSONValue?, _ member: String) throws(BundleFormatError) -> String {
        guard let text = value?.stringValue else { throw BundleFormatError(member, "must be a string") }
        return text
    }

    static func hex(_ value: JSONValue?, _ member: String, length: Int? = nil) throws(BundleFormatError) -> [UInt8] {
        guard let text = value?.stringValue, let bytes = Hex.decode(text) else {
            throw BundleFormatError(member, "must be a hex string")
        }
        if let length, bytes.count != length { throw BundleFormatError(member, "must be \(length) bytes, got \(bytes.count)") }
        return bytes
    }
}
