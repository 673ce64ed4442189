import PavilionCore

/// JSON Schema's view of values: numbers compare by mathematical value
/// (`1 == 1.0`), strings by code points, objects regardless of member order.
extension JSONValue {
    /// Whether two values are equal as JSON Schema defines it (for `const`,
    /// `enum` and `uniqueItems`).
    func schemaEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return NumberSemantics.compare(a, b) == 0
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            for i in a.indices where !a[i].schemaEquals(b[i]) { return false }
            return true
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let theirs = b[key], value.schemaEquals(theirs) else { return false }
            }
            return true
        default:
            return false
        }
    }

    /// A hash consistent with ``schemaEquals(_:)``: integral numbers hash
    /// alike whether written as `1` or `1.0`.
    func schemaHash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(Double(i))
        case .double(let d): hasher.combine(d)
        case .string(let s): hasher.combine(s)
        case .array(let elements):
            hasher.combine(elements.count)
            for element in elements { element.schemaHash(into: &hasher) }
        case .object(let members):
            hasher.combine(members.count)
            // Order-independent: combine the members' own hashes commutatively.
            var sum = 0
            for (key, value) in members {
                var member = Hasher()
                member.combine(key)
                value.schemaHash(into: &member)
                sum = sum &+ member.finalize()
            }
            hasher.combine(sum)
        }
    }

    /// Whether this is a number with no fractional part (JSON Schema's
    /// `integer`, which includes `1.0`).
    var isIntegral: Bool {
        switch self {
        case .int: return true
        case .double(let d): return d.rounded(.towardZero) == d
        default: return false
        }
    }
}

/// Exact comparisons between the parser's two number representations.
enum NumberSemantics {
    /// -1, 0 or 1 as `a` is less than, equal to or greater than `b`, exactly
    /// (no rounding of `a` to a `Double`).
    static func compare(_ a: Int64, _ b: Double) -> Int {
        if b >= 9_223_372_036_854_775_808.0 { return -1 }
        if b < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = b.rounded(.towardZero)
        let w = Int64(whole)
        if a < w { return -1 }
        if a > w { return 1 }
        let fraction = b - whole
        return fraction > 0 ? -1 : fraction < 0 ? 1 : 0
    }

    /// -1, 0 or 1 comparing two numbers, `nil` if either is not a number.
    static func compare(_ a: JSONValue, _ b: JSONValue) -> Int? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : x > y ? 1 : 0
        case (.double(let x), .double(let y)): return x < y ? -1 : x > y ? 1 : 0
        case (.int(let x), .double(let y)): return compare(x, y)
        case (.double(let x), .int(let y)): return -compare(y, x)
        default: return nil
        }
    }

    /// Whether `value` is an integer multiple of `divisor` (> 0). Exact for
    /// integers and for decimals whose shortest form has at most 18
    /// significant digits; otherwise decided in binary floating point, where
    /// an overflowing quotient counts as "not a multiple".
    static func isMultiple(_ value: JSONValue, of divisor: JSONValue) -> Bool {
        if case .int(let x) = value, case .int(let m) = divisor { return x % m == 0 }
        if let (a, p) = decimal(value), let (b, q) = decimal(divisor), b != 0 {
            if a == 0 { return true }
            let e = min(p, q)
            if let big = scaled(a, by: p - e), let small = scaled(b, by: q - e) { return big % small == 0 }
        }
        guard let x = value.doubleValue, let m = divisor.doubleValue else { return false }
        let quotient = x / m
        guard quotient.isFinite else { return false }
        return quotient.rounded(.towardZero) == quotient
    }

    /// `mantissa × 10^exponent` equal to the number's shortest decimal form,
    /// or `nil` when the mantissa needs more than 18 digits.
    static func decimal(_ value: JSONValue) -> (Int64, Int)? {
        switch value {
        case .int(let i): return (i, 0)
        case .double(let d):
            guard d.isFinite else { return nil }
            var text = Substring(d.description)
            var negative = false
            if text.hasPrefix("-") {
                negative = true
                text = text.dropFirst()
            }
            var exponent = 0
            if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                guard let x = Int(text[text.index(after: e)...]) else { return nil }
                exponent = x
                text = text[..<e]
            }
            var digits = ""
            if let dot = text.firstIndex(of: ".") {
                let fraction = text[text.index(after: dot)...]
                digits = String(text[..<dot]) + fraction
                exponent -= fraction.count
            } else {
                digits = String(text)
            }
            while digits.count > 1, digits.hasSuffix("0") {
                digits.removeLast()
                exponent += 1
            }
            while digits.count > 1, digits.hasPrefix("0") { digits.removeFirst() }
            guard digits.count <= 18, let mantissa = Int64(digits) else { return nil }
            return (negative ? -mantissa : mantissa, exponent)
        default:
            return nil
        }
    }

    private static func scaled(_ value: Int64, by power: Int) -> Int64? {
        var result = value
        for _ in 0..<power {
            let (product, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = product
        }
        return result
    }
}
