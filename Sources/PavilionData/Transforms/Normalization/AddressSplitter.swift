import PavilionCore

/// A single-line postal address split into components by one simple,
/// documented rule (docs/data.md); it is not a postal-address parser.
///
/// 1. Split at commas; trim each part; drop empty parts. At least two
///    parts are needed.
/// 2. The first part is `street`.
/// 3. With three or more parts, a last part without digits is `country`
///    (upper-cased when it is two letters, an ISO 3166 code).
/// 4. In the parts between, a part that is only a postal code is
///    `postal_code`; otherwise a leading token with a digit (`75001 Paris`)
///    or up to two trailing tokens with digits (`Springfield 62704`,
///    `London SW1A 1AA`) are the postal code. The rest, joined with ", ",
///    is `locality`, which must not be empty.
enum AddressSplitter {
    static func split(_ text: String) -> Result<JSONValue, TransformProblem> {
        let parts = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard parts.count >= 2 else {
            return .failure(TransformProblem("address needs at least street and locality separated by a comma"))
        }
        var object: [String: JSONValue] = ["street": .string(parts[0])]
        var middle = Array(parts.dropFirst())
        if parts.count >= 3, let last = middle.last, !last.contains(where: \.isNumber) {
            object["country"] = .string(last.count == 2 && last.allSatisfy(\.isLetter) ? last.uppercased() : last)
            middle.removeLast()
        }
        var postal: String?
        var locality: [String] = []
        for part in middle {
            if postal == nil, isPostalToken(part) {
                postal = part
                continue
            }
            var tokens = part.split(separator: " ").map(String.init)
            if postal == nil, tokens.count >= 2 {
                if isPostalToken(tokens[0]) {
                    postal = tokens.removeFirst()
                } else {
                    var trailing: [String] = []
                    while trailing.count < 2, tokens.count > 1, let t = tokens.last, isPostalToken(t) {
                        trailing.insert(tokens.removeLast(), at: 0)
                    }
                    if !trailing.isEmpty { postal = trailing.joined(separator: " ") }
                }
            }
            locality.append(tokens.joined(separator: " "))
        }
        guard !locality.isEmpty, !locality.allSatisfy(\.isEmpty) else {
            return .failure(TransformProblem("address has no locality (town or city) after the street"))
        }
        object["locality"] = .string(locality.joined(separator: ", "))
        if let postal { object["postal_code"] = .string(postal) }
        return .success(.object(object))
    }

    /// 2–10 letters, digits, spaces or '-', at least one digit.
    static func isPostalToken(_ s: String) -> Bool {
        (2...10).contains(s.count) && s.contains(where: \.isNumber)
            && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "-") }
    }
}

extension StringProtocol {
    /// The text without leading and trailing white space.
    func trimmingWhitespace() -> String {
        let scalars = String(self).unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
