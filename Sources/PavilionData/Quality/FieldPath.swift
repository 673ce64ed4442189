import PavilionCore

/// Dotted field paths (`name.family`, `address.0.city`) into JSON records,
/// as quality policies name fields. A segment that is a decimal number
/// indexes an array.
enum FieldPath {
    /// The value at `path`, or `nil` when a segment is missing.
    static func value(at path: String, in record: JSONValue) -> JSONValue? {
        var current = record
        for segment in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .object(let members):
                guard let next = members[String(segment)] else { return nil }
                current = next
            case .array(let elements):
                guard let i = Int(segment), i >= 0, i < elements.count else { return nil }
                current = elements[i]
            default:
                return nil
            }
        }
        return current
    }

    /// Whether `path` holds something: not absent, not null, not an empty
    /// (or all-white-space) string, not an empty array or object.
    static func isPresent(_ path: String, in record: JSONValue) -> Bool {
        switch value(at: path, in: record) {
        case nil, .null?: return false
        case .string(let s)?: return !s.allSatisfy(\.isWhitespace)
        case .array(let a)?: return !a.isEmpty
        case .object(let o)?: return !o.isEmpty
        default: return true
        }
    }
}
