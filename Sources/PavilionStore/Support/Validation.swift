import Foundation
import PavilionCore

/// Shape checks for everything the store accepts from callers. Audit fields
/// are restricted to short machine tokens so that free text (and with it
/// personal data) cannot reach the audit trail.
enum Validation {
    /// `[a-z0-9]` then up to 62 of `[a-z0-9-]`: tenant ids.
    static func isSlug(_ text: String) -> Bool { TokenShape.isSlug(text) }

    /// `[A-Za-z0-9]` then up to 127 of `[A-Za-z0-9._:+-]`: connector names,
    /// versions, purposes, lawful bases, outcomes, data categories, codes.
    static func isToken(_ text: String, maxLength: Int = 128) -> Bool { TokenShape.isToken(text, maxLength: maxLength) }

    /// `[A-Za-z0-9_-]{1,128}`: record identifiers.
    static func isIdentifier(_ text: String) -> Bool { TokenShape.isIdentifier(text) }

    /// A display name: 1...200 characters, no control characters, no
    /// leading or trailing white space.
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.count > 200 { return "is longer than 200 characters" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control
            || $0.properties.generalCategory == .format && $0 != "\u{200D}" }) {
            return "contains control characters"
        }
        if name.trimmingCharacters(in: .whitespacesAndNewlines) != name {
            return "has leading or trailing white space"
        }
        return nil
    }

    static func require(_ ok: Bool, _ what: @autoclosure () -> String,
                        file: String = #fileID, line: Int = #line) throws(StoreError) {
        guard ok else { throw StoreError(.invalidInput, what(), file: file, line: line) }
    }

    static func requireToken(_ value: String?, _ field: String) throws(StoreError) {
        guard let value else { return }
        try require(isToken(value), "\(field) \(quoted(value)) is not a token ([A-Za-z0-9][A-Za-z0-9._:+-]{0,127})")
    }

    /// The value for an error message, shortened.
    static func quoted(_ text: String) -> String {
        let short = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "\"" + short.unicodeScalars.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined() + "\""
    }
}
