import PavilionConnectorKit

/// E.164 normalisation: PSI matches bytes, so `+44 7700 900123`,
/// `0044-7700-900123` and `+447700900123` must become the same element.
enum PhoneNumber {
    /// The E.164 form of `text`: spaces, `-`, `.`, `(` and `)` removed, a
    /// leading `00` read as `+`; then `+` and 7 to 15 digits, the first not 0.
    /// - Throws: `invalidInput` for anything else (the message never quotes the number).
    static func e164(_ text: String) throws(ConnectorError) -> String {
        var digits = String(text.unicodeScalars.filter { !" -.()\u{A0}".unicodeScalars.contains($0) }.map(Character.init))
        if digits.hasPrefix("00") { digits = "+" + digits.dropFirst(2) }
        guard digits.hasPrefix("+") else {
            throw ConnectorError(.invalidInput, "subject attribute phone_number must be in international (E.164) form")
        }
        let national = digits.dropFirst()
        guard (7...15).contains(national.count), national.allSatisfy({ $0.isASCII && $0.isNumber }), national.first != "0" else {
            throw ConnectorError(.invalidInput, "subject attribute phone_number is not an E.164 number")
        }
        return digits
    }
}
