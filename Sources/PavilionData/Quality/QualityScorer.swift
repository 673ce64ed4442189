import PavilionCore

/// Scores records against a ``QualityPolicy``.
///
/// ```swift
/// let scorer = QualityScorer(policy: try QualityPolicy(json: manifestQuality))
/// let report = scorer.score(record, validationErrors: schema.validate(record), now: LineageTimestamp(Date()))
/// report.decision   // .accept, .flag or .reject
/// ```
///
/// Scores are rounded to 4 decimals. Reasons name fields, never values.
public struct QualityScorer: Sendable {
    /// The policy.
    public let policy: QualityPolicy

    /// Clock skew tolerated before a timestamp counts as in the future.
    public static let futureTolerance: Int64 = 300_000

    /// - Parameter policy: the compiled policy.
    public init(policy: QualityPolicy) { self.policy = policy }

    /// Score one record.
    /// - Parameters:
    ///   - record: the DP's result (a JSON object).
    ///   - validationErrors: what the output schema reported, or `nil` when
    ///     the record was not validated (validity is then not scored).
    ///   - now: the current instant, for timeliness and `today`/`now` in rules.
    ///   - peers: other DPs' results for the same subject, by source
    ///     (connector) name, for accuracy.
    /// - Returns: the report.
    public func score(_ record: JSONValue, validationErrors: [ValidationError]?, now: LineageTimestamp,
                      peers: [String: JSONValue] = [:]) -> QualityReport {
        score(record, validationErrors: validationErrors, now: now, peers: peers, duplicates: nil)
    }

    /// Score each record of a batch or search result; uniqueness compares
    /// them with one another.
    /// - Parameters:
    ///   - records: the records.
    ///   - validationErrors: per record, in the same order, or `nil`.
    ///   - now: the current instant.
    /// - Returns: one report per record, in order.
    public func score(batch records: [JSONValue], validationErrors: [[ValidationError]]?, now: LineageTimestamp) -> [QualityReport] {
        var counts: [String: Int] = [:]
        let keys = records.map(uniquenessKey(of:))
        for k in keys { counts[k, default: 0] += 1 }
        return records.indices.map { i in
            score(records[i], validationErrors: validationErrors.flatMap { i < $0.count ? $0[i] : nil }, now: now, peers: [:],
                  duplicates: policy.scoresUniqueness ? counts[keys[i]] ?? 1 : nil)
        }
    }

    func uniquenessKey(of record: JSONValue) -> String {
        let values = policy.uniquenessKey.map { FieldPath.value(at: $0, in: record) ?? .null }
        if policy.uniquenessKey.isEmpty || values.allSatisfy({ $0 == .null }) { return "record:" + record.serialized }
        return "key:" + JSONValue.array(values).serialized
    }

    func score(_ record: JSONValue, validationErrors: [ValidationError]?, now: LineageTimestamp, peers: [String: JSONValue],
               duplicates: Int?) -> QualityReport {
        var scores: [QualityDimension: Double] = [:]
        var reasons: [QualityReason] = []
        var hardReject = false

        // Completeness.
        let listed = policy.requiredFields + policy.expectedFields
        if !listed.isEmpty {
            let missingRequired = policy.requiredFields.filter { !FieldPath.isPresent($0, in: record) }
            let missingExpected = policy.expectedFields.filter { !FieldPath.isPresent($0, in: record) }
            scores[.completeness] = Double(listed.count - missingRequired.count - missingExpected.count) / Double(listed.count)
            if !missingRequired.isEmpty {
                reasons.append(QualityReason(dimension: .completeness, code: "missing_required", fields: missingRequired))
                hardReject = true
            }
            if !missingExpected.isEmpty {
                reasons.append(QualityReason(dimension: .completeness, code: "missing_expected", fields: missingExpected))
            }
        }

        // Validity.
        if let errors = validationErrors {
            let locations = Set(errors.map(\.instanceLocation))
            if locations.isEmpty {
                scores[.validity] = 1
            } else {
                let leaves = Self.leafCount(record)
                scores[.validity] = max(0, 1 - Double(locations.count) / Double(max(leaves, locations.count)))
                var byLocation: [String: Set<String>] = [:]
                for e in errors { byLocation[e.instanceLocation, default: []].insert(String(e.keyword.split(separator: "/").last ?? "")) }
                for (pointer, keywords) in byLocation.sorted(by: { $0.key < $1.key }) {
                    reasons.append(QualityReason(dimension: .validity, code: "schema_error", fields: [pointer.isEmpty ? "/" : pointer],
                                                 detail: keywords.sorted().joined(separator: ", ")))
                }
            }
        }

        // Consistency.
        if !policy.rules.isEmpty {
            var applicable = 0
            var held = 0
            for rule in policy.rules {
                switch rule.evaluate(record, now: now) {
                case .satisfied:
                    applicable += 1
                    held += 1
                case .violated:
                    applicable += 1
                    reasons.append(QualityReason(dimension: .consistency, code: "rule_violated", fields: rule.fields, detail: rule.name))
                case .notApplicable:
                    break
                }
            }
            if applicable > 0 { scores[.consistency] = Double(held) / Double(applicable) }
        }

        // Timeliness.
        if let field = policy.timestampField {
            let maxAge = policy.maxAgeSeconds * 1000
            switch FieldPath.value(at: field, in: record) {
            case nil, .null?:
                reasons.append(QualityReason(dimension: .timeliness, code: "timestamp_missing", fields: [field]))
            case .string(let s)?:
                if let t = LineageTimestamp.parse(s) ?? Self.midnight(CivilDate.parse(s)) {
                    let age = now.millisecondsSinceEpoch - t.millisecondsSinceEpoch
                    if age < -Self.futureTolerance {
                        scores[.timeliness] = 0
                        reasons.append(QualityReason(dimension: .timeliness, code: "timestamp_in_future", fields: [field]))
                    } else if age <= maxAge {
                        scores[.timeliness] = 1
                    } else {
                        scores[.timeliness] = max(0, 1 - Double(age - maxAge) / Double(maxAge))
                        reasons.append(QualityReason(dimension: .timeliness, code: "stale", fields: [field],
                                                     detail: "older than \(policy.maxAgeSeconds) s"))
                    }
                } else {
                    scores[.timeliness] = 0
                    reasons.append(QualityReason(dimension: .timeliness, code: "timestamp_invalid", fields: [field]))
                }
            default:
                scores[.timeliness] = 0
                reasons.append(QualityReason(dimension: .timeliness, code: "timestamp_invalid", fields: [field]))
            }
        }

        // Uniqueness.
        if let duplicates {
            scores[.uniqueness] = 1 / Double(max(1, duplicates))
            if duplicates > 1 {
                reasons.append(QualityReason(dimension: .uniqueness, code: "duplicate",
                                             fields: policy.uniquenessKey, detail: "\(duplicates) records share the key"))
            }
        }

        // Accuracy.
        if !policy.accuracyFields.isEmpty, !peers.isEmpty {
            var compared = 0
            var agreed = 0
            for (field, comparison) in policy.accuracyFields {
                guard let mine = FieldPath.value(at: field, in: record), mine != .null else { continue }
                var disagreeing: [String] = []
                var any = false
                for (source, peer) in peers.sorted(by: { $0.key < $1.key }) {
                    guard let theirs = FieldPath.value(at: field, in: peer), theirs != .null else { continue }
                    any = true
                    if !Self.agree(mine, theirs, comparison) { disagreeing.append(source) }
                }
                guard any else { continue }
                compared += 1
                if disagreeing.isEmpty {
                    agreed += 1
                } else {
                    reasons.append(QualityReason(dimension: .accuracy, code: "disagreement", fields: [field],
                                                 detail: disagreeing.joined(separator: ", ")))
                }
            }
            if compared > 0 { scores[.accuracy] = Double(agreed) / Double(compared) }
        }

        for (d, s) in scores { scores[d] = QualityReport.round(s) }

        // Overall and decision.
        var weighted = 0.0
        var total = 0.0
        for (d, s) in scores {
            weighted += s * policy.weight(of: d)
            total += policy.weight(of: d)
        }
        let overall = QualityReport.round(total > 0 ? weighted / total : 1)
        for (d, minimum) in policy.minimums.sorted(by: { $0.key < $1.key }) {
            if let s = scores[d], s < minimum {
                reasons.append(QualityReason(dimension: d, code: "below_minimum", fields: [], detail: "minimum \(minimum)"))
                hardReject = true
            }
        }
        let decision: QualityDecision
        if hardReject {
            decision = .reject
        } else if overall >= policy.acceptThreshold {
            decision = .accept
        } else if overall >= policy.flagThreshold {
            decision = .flag
        } else {
            decision = .reject
        }
        return QualityReport(scores: scores, overall: overall, decision: decision, reasons: reasons)
    }

    static func midnight(_ d: CivilDate?) -> LineageTimestamp? {
        d.map { LineageTimestamp(millisecondsSinceEpoch: LineageTimestamp.days(fromCivil: Int64($0.year), Int64($0.month), Int64($0.day)) * 86_400_000) }
    }

    /// Scalars, empty arrays and empty objects.
    static func leafCount(_ v: JSONValue) -> Int {
        switch v {
        case .object(let o): return o.isEmpty ? 1 : o.values.reduce(0) { $0 + leafCount($1) }
        case .array(let a): return a.isEmpty ? 1 : a.reduce(0) { $0 + leafCount($1) }
        default: return 1
        }
    }

    static func agree(_ a: JSONValue, _ b: JSONValue, _ comparison: QualityPolicy.Comparison) -> Bool {
        switch comparison {
        case .exact:
            if let x = a.doubleValue, let y = b.doubleValue { return x == y }
            return a == b
        case .text:
            guard let x = a.stringValue, let y = b.stringValue else { return a == b }
            return fold(x) == fold(y)
        case .date:
            guard let x = a.stringValue.flatMap(CivilDate.parse), let y = b.stringValue.flatMap(CivilDate.parse) else { return a == b }
            return x == y
        }
    }

    static func fold(_ s: String) -> String {
        s.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }
}
