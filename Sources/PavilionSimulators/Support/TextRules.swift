import Foundation

/// `YYYY-MM-DD` and partial FHIR dates.
enum DateText {
    /// `YYYY-MM-DD` with a month 1...12 and a day that exists in that month.
    static func isFullDate(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return false }
        guard let year = number(b[0..<4]), let month = number(b[5..<7]), let day = number(b[8..<10]) else { return false }
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (the FHIR `date` search precisions).
    static func isDatePrefix(_ text: String) -> Bool {
        let b = Array(text.utf8)
        switch b.count {
        case 4: return number(b[0..<4]) != nil
        case 7:
            guard b[4] == UInt8(ascii: "-"), number(b[0..<4]) != nil, let month = number(b[5..<7]) else { return false }
            return (1...12).contains(month)
        case 10: return isFullDate(text)
        default: return false
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for d in digits {
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(d - UInt8(ascii: "0"))
        }
        return value
    }
}

/// E.164 numbers as CAMARA writes them.
enum PhoneNumber {
    /// `+`, a non-zero digit, then 4...14 digits.
    static func isE164(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard (6...16).contains(b.count), b[0] == UInt8(ascii: "+"), (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(b[1]) else {
            return false
        }
        return b.dropFirst(2).allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}

/// How the simulators compare attribute values.
enum TextMatch {
    /// Case-insensitive, whitespace-collapsed; canonically equivalent
    /// spellings (NFC/NFD) compare equal, accents still count.
    static func normalised(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// ``normalised(_:)`` with accents and other combining marks removed (FHIR
    /// string search is accent-insensitive).
    static func folded(_ text: String) -> String {
        let decomposed = normalised(text).decomposedStringWithCanonicalMapping
        var scalars = String.UnicodeScalarView()
        for scalar in decomposed.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// 0...100: how alike two values are (the share of the longer one left
    /// after the Levenshtein distance of their normalised forms), CAMARA's
    /// `…MatchScore`. Values over 256 characters score 0 (bounded work).
    static func score(_ a: String, _ b: String) -> Int {
        let x = Array(normalised(a))
        let y = Array(normalised(b))
        let longest = max(x.count, y.count)
        guard longest > 0 else { return 100 }
        guard !x.isEmpty, !y.isEmpty, longest <= 256 else { return 0 }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                let substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return 100 * (longest - previous[y.count]) / longest
    }
}
