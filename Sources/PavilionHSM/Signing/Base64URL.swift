import Foundation
import PavilionCore

/// Base64 helpers for key export and key files: PavilionCore's
/// ``Base64URLCoding`` (unpadded, strict), and standard padded base64.
enum Base64URL {
    /// base64url without padding (RFC 4648 §5, as JOSE uses it).
    static func encode(_ bytes: [UInt8]) -> String { Base64URLCoding.encode(bytes) }

    /// The bytes of unpadded base64url text; `nil` if it is not canonical base64url.
    static func decode(_ text: String) -> [UInt8]? { try? Base64URLCoding.decode(text) }

    /// Standard padded base64 (RFC 4648 §4).
    static func standard(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
