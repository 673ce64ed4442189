import PavilionCore

/// One compiled step of a ``TransformProgram``.
enum TransformStep: Sendable, Hashable {
    case rename(from: String, to: String)
    case map(field: String, values: [String: JSONValue], fallback: JSONValue?)
    case normalize(field: String, kind: Normalization)
    /// Ages in ascending order, each with the field it writes.
    case derive(from: String, ages: [AgeOver])
    case generalize(field: String, rule: Generalization)
    case hash(field: String)
    case tokenize(field: String)
    case redact(field: String)

    enum Normalization: Sendable, Hashable {
        case e164(countryCode: String?)
        case iso8601Date
        case nfcCasefold
        case address
    }

    enum Generalization: Sendable, Hashable {
        /// Ascending, distinct boundaries.
        case ranges([Int64])
        case year
        case decade
    }

    struct AgeOver: Sendable, Hashable {
        var years: Int
        var field: String
    }

    /// The operation's name as written in a program.
    var operation: String {
        switch self {
        case .rename: return "rename"
        case .map: return "map"
        case .normalize: return "normalize"
        case .derive: return "derive"
        case .generalize: return "generalize"
        case .hash: return "hash"
        case .tokenize: return "tokenize"
        case .redact: return "redact"
        }
    }

    /// The field the step reads.
    var input: String {
        switch self {
        case .rename(let from, _), .derive(let from, _): return from
        case .map(let f, _, _), .normalize(let f, _), .generalize(let f, _), .hash(let f), .tokenize(let f), .redact(let f):
            return f
        }
    }

    /// The variant recorded in ``TransformStepRecord/detail``.
    var detail: String {
        switch self {
        case .normalize(_, .e164): return "e164"
        case .normalize(_, .iso8601Date): return "iso8601-date"
        case .normalize(_, .nfcCasefold): return "nfc-casefold"
        case .normalize(_, .address): return "address"
        case .generalize(_, .ranges): return "ranges"
        case .generalize(_, .year): return "year"
        case .generalize(_, .decade): return "decade"
        case .hash: return "hmac-sha256"
        case .derive: return "age_over"
        default: return ""
        }
    }
}
