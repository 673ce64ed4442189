/// The data-quality dimensions Pavilion scores, each in [0, 1].
public enum QualityDimension: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Required and expected fields are present.
    case completeness
    /// The record matches its schema.
    case validity
    /// Cross-field rules hold (`birthdate <= today`).
    case consistency
    /// The DP's data is recent enough.
    case timeliness
    /// The record is not duplicated in its batch or search result.
    case uniqueness
    /// Other DPs agree on the same fields.
    case accuracy

    public static func < (a: Self, b: Self) -> Bool {
        guard let i = allCases.firstIndex(of: a), let j = allCases.firstIndex(of: b) else { return false }
        return i < j
    }
}

/// What the policy decides for a record.
public enum QualityDecision: String, Sendable, Hashable, CaseIterable {
    /// Use the data.
    case accept
    /// Use it, and mark the verification for review.
    case flag
    /// Do not use it.
    case reject
}

/// Why a dimension scored below 1: a code and the field names involved,
/// never their values.
public struct QualityReason: Sendable, Hashable, CustomStringConvertible {
    /// The dimension.
    public var dimension: QualityDimension
    /// `missing_required`, `missing_expected`, `schema_error`, `rule_violated`,
    /// `timestamp_missing`, `timestamp_invalid`, `timestamp_in_future`, `stale`,
    /// `duplicate`, `disagreement`, `below_minimum`.
    public var code: String
    /// The fields (dotted paths or JSON Pointers) involved.
    public var fields: [String]
    /// A keyword, rule name or source names, where the code has one.
    public var detail: String

    /// - Parameters: the fields above.
    public init(dimension: QualityDimension, code: String, fields: [String], detail: String = "") {
        self.dimension = dimension
        self.code = code
        self.fields = fields
        self.detail = detail
    }

    /// `completeness: missing_required: phone`.
    public var description: String {
        var s = "\(dimension.rawValue): \(code)"
        if !fields.isEmpty { s += ": " + fields.joined(separator: ", ") }
        if !detail.isEmpty { s += " (\(detail))" }
        return s
    }
}
