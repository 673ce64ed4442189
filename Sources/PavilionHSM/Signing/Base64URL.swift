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

    /// The bytes of base64url text with or without padding; `nil` if it is not base64url.
    static func decode(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "=") }) else {
            return nil
        }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard.append("=") }
        return Data(base64Encoded: standard).map { Array($0) }
    }

    /// Standard padded base64 (RFC 4648 §4).
    static func standard(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
