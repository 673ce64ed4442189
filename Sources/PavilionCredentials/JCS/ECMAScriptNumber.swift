/// Number serialisation as ECMAScript 2015 `Number.prototype.toString()`
/// (ES6 §7.1.12.1) does it, which RFC 8785 §3.2.2.3 adopts for JSON numbers.
///
/// The digits are the shortest decimal string that reads back to the same
/// double and, among several of that length, the one closest to it — the
/// requirement of ES6 step 5 and its note. Swift's standard library
/// (`SwiftDtoa`) computes exactly that string for `Double.description`; this
/// type takes the digits and the decimal exponent from it and lays them out
/// by the ES6 rules (plain up to 21 integer digits, `0.000001` down to
/// 10^-6, exponent form with an explicit sign otherwise).
public enum ECMAScriptNumber {
    /// The ES6 text of `value`.
    /// - Parameter value: a finite double.
    /// - Returns: e.g. `1e+30`, `4.5`, `0.002`, `1e-7`, `9007199254740992`; `-0` gives `0`.
    /// - Throws: ``JCSError`` `nonFiniteNumber` for NaN and the infinities.
    public static func string(_ value: Double) throws(JCSError) -> String {
        guard value.isFinite else { throw JCSError(.nonFiniteNumber, "\(value) has no JSON representation") }
        if value == 0 { return "0" }
        if value < 0 { return "-" + layout(digitsAndExponent(-value)) }
        return layout(digitsAndExponent(value))
    }

    /// The shortest round-trip digits `s` (no leading or trailing zeros) and
    /// the ES6 `n`, so that `value = 0.s × 10^n`.
    static func digitsAndExponent(_ value: Double) -> (digits: [UInt8], n: Int) {
        let text = Array(value.description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = text[..<e]
            var sign = 1
            var i = e + 1
            if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
                if text[i] == UInt8(ascii: "-") { sign = -1 }
                i += 1
            }
            var magnitude = 0
            while i < text.count {
                magnitude = magnitude * 10 + Int(text[i] - UInt8(ascii: "0"))
                i += 1
            }
            exponent = sign * magnitude
        }
        var digits: [UInt8] = []
        var pointPosition: Int?
        for c in mantissa {
            if c == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else {
                digits.append(c)
            }
        }
        var n = (pointPosition ?? digits.count) + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            n -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, n)
    }

    /// ES6 §7.1.12.1 steps 6–10 for a positive value.
    static func layout(_ parts: (digits: [UInt8], n: Int)) -> String {
        let (s, n) = parts
        let k = s.count
        var out: [UInt8] = []
        if k <= n && n <= 21 {
            out = s + [UInt8](repeating: UInt8(ascii: "0"), count: n - k)
        } else if 0 < n && n <= 21 {
            out = Array(s[..<n]) + [UInt8(ascii: ".")] + Array(s[n...])
        } else if -6 < n && n <= 0 {
            out = Array("0.".utf8) + [UInt8](repeating: UInt8(ascii: "0"), count: -n) + s
        } else {
            let e = n - 1
            out = [s[0]]
            if k > 1 { out += [UInt8(ascii: ".")] + Array(s[1...]) }
            out += Array("e\(e < 0 ? "-" : "+")\(abs(e))".utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
