/// Phone numbers to E.164 (`+` then country code and national significant
/// number, at most 15 digits), by the rules in docs/data.md.
///
/// Written for Pavilion from the ITU-T E.164 numbering structure; it does
/// not know every country's numbering plan. It handles: separators
/// (spaces, `-`, `.`, `/`, parentheses), `+` or `00` international
/// prefixes (and `011` when the default country code is 1), a `(0)`
/// written after the country code, and national numbers with the default
/// country code: a trunk `0` is dropped (kept for Italy, San Marino and the
/// Vatican, +39/+378/+379, where it is part of the number), and for NANP
/// (+1) a leading trunk `1` is dropped and exactly 10 digits are required.
enum PhoneNumberNormalizer {
    /// Country codes whose national numbers keep their leading 0.
    static let keepsLeadingZero: Set<String> = ["39", "378", "379"]

    /// The E.164 form, or why not (never quoting the number).
    static func normalize(_ text: String, defaultCountryCode: String?) -> Result<String, TransformProblem> {
        var compact = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case " ", "\t", "\u{A0}": continue
            default: compact.unicodeScalars.append(scalar)
            }
        }
        guard !compact.isEmpty else { return .failure(TransformProblem("phone number is empty")) }
        let international = compact.hasPrefix("+") || compact.hasPrefix("00")
            || (defaultCountryCode == "1" && compact.hasPrefix("011"))
        if international, let range = compact.firstRange(of: "(0)") {
            compact.removeSubrange(range)
        }
        var plus = false
        var digits = ""
        for (i, c) in compact.enumerated() {
            switch c {
            case "+" where i == 0: plus = true
            case "-", ".", "/", "(", ")": continue
            case "0"..."9": digits.append(c)
            default:
                if c.isLetter {
                    return .failure(TransformProblem("phone number contains letters (extensions and vanity numbers are not E.164)"))
                }
                return .failure(TransformProblem("phone number contains a character that is neither a digit nor a separator"))
            }
        }
        var full: String
        if plus {
            full = digits
        } else if digits.hasPrefix("00") {
            full = String(digits.dropFirst(2))
        } else if defaultCountryCode == "1", digits.hasPrefix("011") {
            full = String(digits.dropFirst(3))
        } else {
            guard let cc = defaultCountryCode else {
                return .failure(TransformProblem("national phone number, and the step gives no country_code"))
            }
            var national = Substring(digits)
            if cc == "1" {
                if national.count == 11, national.first == "1" { national = national.dropFirst() }
            } else if !keepsLeadingZero.contains(cc), national.first == "0" {
                national = national.dropFirst()
            }
            full = cc + national
        }
        guard let first = full.first, first != "0" else {
            return .failure(TransformProblem("country code must not start with 0"))
        }
        guard full.count >= 7 else {
            return .failure(TransformProblem("phone number has \(full.count) digits; E.164 numbers have at least 7"))
        }
        guard full.count <= 15 else {
            return .failure(TransformProblem("phone number has \(full.count) digits; E.164 allows at most 15"))
        }
        if first == "1", full.count != 11 {
            return .failure(TransformProblem("NANP (+1) numbers have 10 digits after the country code, found \(full.count - 1)"))
        }
        return .success("+" + full)
    }
}
