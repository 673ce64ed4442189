import PavilionCore

/// The JSON Canonicalization Scheme (RFC 8785): the one byte string a JSON
/// value hashes and signs as, whoever serialises it.
///
/// - Objects: members sorted by the UTF-16 code units of their names (§3.2.3),
///   no whitespace.
/// - Strings: only `"`, `\` and the controls below U+0020 are escaped —
///   `\b \t \n \f \r` by name, the rest as `\u00xx` in lower case; everything
///   else is written as UTF-8 (§3.2.2.2).
/// - Numbers: the ES6 form of the IEEE 754 double (§3.2.2.3, see
///   ``ECMAScriptNumber``). ``JSONValue/int(_:)`` is a double too: within
///   ±2^53 (I-JSON's exact range, RFC 7493 §2.2) it is written in the ES6
///   form; beyond it is refused (`inexactInteger`) rather than signed as
///   text that reads back as another integer — ES6 writes 2^62 as
///   `4611686018427388000` (Appendix D: big integers belong in strings).
/// - Duplicate member names never reach here: ``JSONParser`` refuses them.
public enum JCS {
    /// The canonical UTF-8 bytes of `value`.
    /// - Parameter value: the JSON value.
    /// - Returns: the canonical form.
    /// - Throws: ``JCSError`` `nonFiniteNumber` or `inexactInteger`.
    public static func canonicalize(_ value: JSONValue) throws(JCSError) -> [UInt8] {
        var out: [UInt8] = []
        try write(value, to: &out)
        return out
    }

    /// The canonical form of `value` as a string.
    /// - Parameter value: the JSON value.
    /// - Returns: the canonical text.
    /// - Throws: ``JCSError`` `nonFiniteNumber` or `inexactInteger`.
    public static func canonicalString(_ value: JSONValue) throws(JCSError) -> String {
        String(decoding: try canonicalize(value), as: UTF8.self)
    }

    /// Parse JSON text and return its canonical form.
    /// - Parameter bytes: UTF-8 JSON text.
    /// - Returns: the canonical form.
    /// - Throws: ``JCSError`` `invalidJSON` (including duplicate member names), or as ``canonicalize(_:)``.
    public static func canonicalize(jsonText bytes: some Collection<UInt8>) throws(JCSError) -> [UInt8] {
        let value: JSONValue
        do { value = try JSONParser().parse(bytes: bytes) } catch { throw JCSError(.invalidJSON, "\(error)") }
        return try canonicalize(value)
    }

    /// The RFC 8785 text of an integer.
    /// - Parameter value: the integer.
    /// - Returns: its ES6 form, e.g. `-42`.
    /// - Throws: ``JCSError`` `inexactInteger` beyond ±2^53.
    public static func serializeInteger(_ value: Int64) throws(JCSError) -> String {
        guard value.magnitude <= 1 << 53 else {
            throw JCSError(.inexactInteger, "\(value) is beyond ±2^53, where ES6 text does not keep integers exact; send it as a string")
        }
        return try ECMAScriptNumber.string(Double(value))
    }

    private static func write(_ value: JSONValue, to out: inout [UInt8]) throws(JCSError) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i): out += Array(try serializeInteger(i).utf8)
        case .double(let d): out += Array(try ECMAScriptNumber.string(d).utf8)
        case .string(let s): writeString(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (n, element) in elements.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                try write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
            for (n, member) in sorted.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                try write(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x00..<0x20:
                out += Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
