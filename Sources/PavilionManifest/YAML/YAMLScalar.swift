/// A scalar with its source text and the value the YAML 1.2 core schema
/// resolves it to.
///
/// Only plain scalars are resolved; quoted and block scalars are strings.
/// `yes`, `no`, `on` and `off` are strings (they were booleans only in YAML 1.1).
struct YAMLScalar: Sendable, Hashable {
    /// The resolved value.
    enum Value: Sendable, Hashable {
        case null
        case bool(Bool)
        /// An integer that fits 64 bits.
        case int(Int64)
        /// A float, or an integer too large for 64 bits.
        case float(Double)
        case string(String)
    }

    /// The scalar's text after YAML unescaping and folding.
    var text: String
    /// How it was written.
    var style: YAMLEvent.ScalarStyle
    /// What it means.
    var value: Value

    /// How the value is named in messages: `string "high"`, `integer -1`,
    /// `boolean true`, `null`, `number 1.5`.
    var described: String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "boolean \(b)"
        case .int(let i): return "integer \(i)"
        case .float: return "number \(text)"
        case .string(let s):
            let shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
            return "string \"\(shown.debugEscaped)\""
        }
    }
}

extension YAMLScalar {
    /// The core-schema tags a node may carry.
    enum CoreTag: String, Sendable, CaseIterable {
        case str = "tag:yaml.org,2002:str"
        case int = "tag:yaml.org,2002:int"
        case float = "tag:yaml.org,2002:float"
        case bool = "tag:yaml.org,2002:bool"
        case null = "tag:yaml.org,2002:null"
        case seq = "tag:yaml.org,2002:seq"
        case map = "tag:yaml.org,2002:map"
    }

    /// Resolve `text` as the YAML 1.2 core schema does.
    /// - Parameters:
    ///   - text: the scalar's text.
    ///   - style: how it was written; only `.plain` is resolved implicitly.
    ///   - tag: an explicit core tag, if one was written.
    /// - Returns: the scalar, or `nil` when an explicit tag does not fit the text
    ///   (e.g. `!!int abc`).
    static func resolve(_ text: String, style: YAMLEvent.ScalarStyle, tag: CoreTag?) -> YAMLScalar? {
        let value: Value?
        switch tag {
        case .str?: value = .string(text)
        case .null?: value = coreNull(text) ? .null : nil
        case .bool?: value = coreBool(text).map(Value.bool)
        case .int?: value = coreInt(text)
        case .float?: value = coreFloat(text) ?? coreInt(text).map { v in
            if case .int(let i) = v { return .float(Double(i)) }
            return v
        }
        case .seq?, .map?: value = nil
        case nil:
            if style != .plain {
                value = .string(text)
            } else if coreNull(text) {
                value = .null
            } else if let b = coreBool(text) {
                value = .bool(b)
            } else if let i = coreInt(text) {
                value = i
            } else if let f = coreFloat(text) {
                value = f
            } else {
                value = .string(text)
            }
        }
        return value.map { YAMLScalar(text: text, style: style, value: $0) }
    }

    private static func coreNull(_ t: String) -> Bool {
        t.isEmpty || t == "~" || t == "null" || t == "Null" || t == "NULL"
    }

    private static func coreBool(_ t: String) -> Bool? {
        switch t {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// `[-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+`
    private static func coreInt(_ t: String) -> Value? {
        let u = Array(t.utf8)
        if u.count > 2, u[0] == UInt8(ascii: "0"), u[1] == UInt8(ascii: "o") || u[1] == UInt8(ascii: "x") {
            let radix = u[1] == UInt8(ascii: "o") ? 8 : 16
            let digits = String(decoding: u[2...], as: UTF8.self)
            guard digits.utf8.allSatisfy({ isDigit($0, radix: radix) }) else { return nil }
            if let i = Int64(digits, radix: radix) { return .int(i) }
            return .float(digits.utf8.reduce(0.0) { $0 * Double(radix) + Double(digitValue($1)) })
        }
        var body = u[...]
        if let first = body.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ isDigit($0, radix: 10) }) else { return nil }
        let normalised = u.first == UInt8(ascii: "+") ? String(decoding: u.dropFirst(), as: UTF8.self) : t
        if let i = Int64(normalised) { return .int(i) }
        return Double(normalised).map(Value.float)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
    private static func coreFloat(_ t: String) -> Value? {
        switch t {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        let u = Array(t.utf8)
        var i = 0
        if i < u.count, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i += 1 }
        var intDigits = 0
        while i < u.count, isDigit(u[i], radix: 10) { i += 1; intDigits += 1 }
        var fracDigits = 0
        var sawDot = false
        if i < u.count, u[i] == UInt8(ascii: ".") {
            sawDot = true
            i += 1
            while i < u.count, isDigit(u[i], radix: 10) { i += 1; fracDigits += 1 }
        }
        // `.` alone needs fraction digits; `1.` is fine.
        guard intDigits > 0 || (sawDot && fracDigits > 0) else { return nil }
        if i < u.count, u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E") {
            i += 1
            if i < u.count, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i += 1 }
            var expDigits = 0
            while i < u.count, isDigit(u[i], radix: 10) { i += 1; expDigits += 1 }
            guard expDigits > 0 else { return nil }
        }
        guard i == u.count else { return nil }
        var text = t
        if text.hasPrefix("+") { text.removeFirst() }
        if text.hasPrefix(".") { text = "0" + text }
        if text.hasPrefix("-.") { text = "-0" + text.dropFirst() }
        return Double(text).map(Value.float)
    }

    private static func isDigit(_ c: UInt8, radix: Int) -> Bool {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "7"): return true
        case UInt8(ascii: "8"), UInt8(ascii: "9"): return radix >= 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): return radix == 16
        default: return false
        }
    }

    private static func digitValue(_ c: UInt8) -> Int {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c - UInt8(ascii: "a")) + 10
        default: return Int(c - UInt8(ascii: "A")) + 10
        }
    }
}
