import Foundation

/// Base64 helpers for key export.
enum Base64URL {
    /// base64url without padding (RFC 4648 §5, as JOSE uses it).
    static func encode(_ bytes: [UInt8]) -> String {
        var text = standard(bytes)
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// Standard padded base64 (RFC 4648 §4).
    static func standard(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
