import Foundation

/// A `pattern` compiled once: ECMA-262 syntax translated to the ICU dialect
/// `NSRegularExpression` speaks, then matched unanchored as the spec asks.
///
/// The translation covers the differences that change results on ordinary
/// patterns: `\d`, `\w` (and negations) are ASCII-only in ECMA-262, and `$`
/// matches only at the very end of the input.
final class ECMAScriptPattern: @unchecked Sendable {
    // NSRegularExpression is immutable once created and documented safe to
    // use from several threads at once.
    private let expression: NSRegularExpression
    /// The pattern as the schema wrote it.
    let source: String

    /// - Throws: the reason text when ICU refuses the translated pattern.
    init(_ source: String) throws(PatternError) {
        self.source = source
        do {
            expression = try NSRegularExpression(pattern: Self.translate(source), options: [])
        } catch {
            throw PatternError(reason: "not a valid regular expression: \(source)")
        }
    }

    struct PatternError: Error {
        let reason: String
    }

    /// Whether the pattern matches anywhere in `text`.
    func matches(_ text: String) -> Bool {
        let range = NSRange(location: 0, length: text.utf16.count)
        return expression.firstMatch(in: text, options: [], range: range) != nil
    }

    /// ECMA-262 pattern text rewritten for ICU.
    static func translate(_ pattern: String) -> String {
        var out = ""
        var inClass = false
        var iterator = pattern.makeIterator()
        while let c = iterator.next() {
            switch c {
            case "\\":
                guard let next = iterator.next() else {
                    out.append("\\")
                    continue
                }
                switch (next, inClass) {
                case ("d", false): out += "[0-9]"
                case ("D", false): out += "[^0-9]"
                case ("w", false): out += "[A-Za-z0-9_]"
                case ("W", false): out += "[^A-Za-z0-9_]"
                case ("d", true): out += "0-9"
                case ("w", true): out += "A-Za-z0-9_"
                default:
                    out.append("\\")
                    out.append(next)
                }
            case "[" where !inClass:
                inClass = true
                out.append(c)
            case "]" where inClass:
                inClass = false
                out.append(c)
            case "$" where !inClass:
                out += "\\z"
            default:
                out.append(c)
            }
        }
        return out
    }
}
