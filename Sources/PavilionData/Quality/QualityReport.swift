import PavilionCore

/// The quality of one record: a score per applicable dimension, the
/// weighted overall score, the decision and the reasons.
public struct QualityReport: Sendable, Hashable {
    /// Scores in [0, 1] for the dimensions that applied (a dimension the
    /// policy does not configure, or that had nothing to compare, is absent).
    public var scores: [QualityDimension: Double]
    /// The weighted mean of ``scores``; 1 when none applied.
    public var overall: Double
    /// accept, flag or reject.
    public var decision: QualityDecision
    /// Why scores are below 1, and what forced a rejection.
    public var reasons: [QualityReason]

    /// - Parameters: the fields above.
    public init(scores: [QualityDimension: Double], overall: Double, decision: QualityDecision, reasons: [QualityReason]) {
        self.scores = scores
        self.overall = overall
        self.decision = decision
        self.reasons = reasons
    }

    /// The report as JSON (scores rounded to 4 decimals).
    public var json: JSONValue {
        .object([
            "scores": .object(Dictionary(uniqueKeysWithValues: scores.map { ($0.key.rawValue, .double(Self.round($0.value))) })),
            "overall": .double(Self.round(overall)),
            "decision": .string(decision.rawValue),
            "reasons": .array(reasons.map { r in
                .object(["dimension": .string(r.dimension.rawValue), "code": .string(r.code),
                         "fields": .array(r.fields.map(JSONValue.string)), "detail": .string(r.detail)])
            }),
        ])
    }

    /// Read what ``json`` wrote.
    /// - Parameter json: a report object.
    /// - Throws: ``LineageError`` `malformedGraph` when it is not one.
    public init(json: JSONValue) throws(LineageError) {
        guard let scores = json["scores"]?.objectValue, let overall = json["overall"]?.doubleValue,
              let decision = json["decision"]?.stringValue.flatMap(QualityDecision.init(rawValue:)),
              let reasons = json["reasons"]?.arrayValue
        else { throw LineageError(.malformedGraph, "a quality report needs scores, overall, decision and reasons") }
        var s: [QualityDimension: Double] = [:]
        for (k, v) in scores {
            guard let d = QualityDimension(rawValue: k), let x = v.doubleValue else {
                throw LineageError(.malformedGraph, "unknown quality dimension '\(k)' or non-numeric score")
            }
            s[d] = x
        }
        var rs: [QualityReason] = []
        for r in reasons {
            guard let d = r["dimension"]?.stringValue.flatMap(QualityDimension.init(rawValue:)), let code = r["code"]?.stringValue,
                  let fields = r["fields"]?.arrayValue?.compactMap(\.stringValue), let detail = r["detail"]?.stringValue
            else { throw LineageError(.malformedGraph, "a quality reason needs dimension, code, fields and detail") }
            rs.append(QualityReason(dimension: d, code: code, fields: fields, detail: detail))
        }
        self.init(scores: s, overall: overall, decision: decision, reasons: rs)
    }

    static func round(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
}
