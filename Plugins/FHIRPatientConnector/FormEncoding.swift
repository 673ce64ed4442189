import Foundation

/// Percent-encoding for URL query components and form bodies.
enum FormEncoding {
    private static func encode(_ text: String, spaceAsPlus: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " ") where spaceAsPlus:
                out += "+"
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    /// RFC 3986 query component: everything but unreserved characters escaped.
    static func queryComponent(_ text: String) -> String { encode(text, spaceAsPlus: false) }

    /// application/x-www-form-urlencoded value (RFC 6749 §2.3.1 for client credentials).
    static func formValue(_ text: String) -> String { encode(text, spaceAsPlus: true) }

    /// The Basic credentials of RFC 6749 §2.3.1: form-encoded id and secret.
    static func basicAuthorization(id: String, secret: String) -> String {
        "Basic " + Data((formValue(id) + ":" + formValue(secret)).utf8).base64EncodedString()
    }
}
