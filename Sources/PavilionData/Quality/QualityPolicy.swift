import PavilionCore

/// How a connector's data is scored and what score is good enough:
/// compiled once from JSON (a manifest's future `spec.quality`; see
/// docs/data.md, "Quality").
///
/// ```json
/// {"completeness": {"required": ["family_name", "birthdate"], "expected": ["phone"]},
///  "consistency": ["birthdate <= today", {"name": "death_dated", "rule": "if deceased then deceased_date present"}],
///  "timeliness": {"field": "meta.lastUpdated", "max_age": "P365D"},
///  "uniqueness": {"key": ["id"]},
///  "accuracy": {"fields": ["family_name", "birthdate"], "compare": {"family_name": "text", "birthdate": "date"}},
///  "weights": {"completeness": 2, "validity": 2},
///  "thresholds": {"accept": 0.9, "flag": 0.6},
///  "minimums": {"validity": 1}}
/// ```
public struct QualityPolicy: Sendable, Hashable {
    /// Fields that must be present; one missing rejects the record.
    public var requiredFields: [String]
    /// Fields that should be present; missing ones lower completeness.
    public var expectedFields: [String]
    /// Cross-field rules.
    public var rules: [ConsistencyRule]
    /// The field holding when the DP last updated the record, if scored.
    public var timestampField: String?
    /// The age up to which data is fully timely, in seconds. Timeliness then
    /// falls linearly to 0 at twice this age.
    public var maxAgeSeconds: Int64
    /// Fields identifying a record within a batch; empty compares whole records.
    public var uniquenessKey: [String]
    /// Whether uniqueness is scored (batches only).
    public var scoresUniqueness: Bool
    /// Fields compared between DPs, with how.
    public var accuracyFields: [(field: String, comparison: Comparison)]
    /// Weight per dimension (default 1; 0 leaves it out of the overall score).
    public var weights: [QualityDimension: Double]
    /// Overall score at or above which a record is accepted.
    public var acceptThreshold: Double
    /// Overall score at or above which a record is flagged rather than rejected.
    public var flagThreshold: Double
    /// Dimension scores below which a record is rejected whatever its overall score.
    public var minimums: [QualityDimension: Double]

    /// How two DPs' values of a field are compared for accuracy.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        /// Equal JSON values.
        case exact
        /// Strings equal after trimming, collapsing white space and lower-casing.
        case text
        /// Equal as dates (any shape ``CivilDate/parse(_:)`` reads).
        case date
    }

    /// The policy that scores only validity and accepts at 0.9.
    public init() {
        requiredFields = []
        expectedFields = []
        rules = []
        timestampField = nil
        maxAgeSeconds = 0
        uniquenessKey = []
        scoresUniqueness = false
        accuracyFields = []
        weights = [:]
        acceptThreshold = 0.9
        flagThreshold = 0.6
        minimums = [:]
    }

    /// Compile a policy from its JSON.
    /// - Parameter json: the policy object (shape above; every member optional).
    /// - Throws: ``QualityPolicyError`` naming the member's path.
    public init(json: JSONValue) throws(QualityPolicyError) {
        self.init()
        guard let members = json.objectValue else { throw QualityPolicyError(.invalidValue, "a quality policy is an object") }
        let known = ["completeness", "consistency", "timeliness", "uniqueness", "accuracy", "weights", "thresholds", "minimums"]
        for key in members.keys.sorted() where !known.contains(key) {
            throw QualityPolicyError(.unknownMember, "unknown member; expected one of: \(known.joined(separator: ", "))", path: key)
        }
        if let c = members["completeness"] {
            let o = try Self.object(c, "completeness", allowed: ["required", "expected"])
            requiredFields = try Self.names(o["required"], "completeness.required")
            expectedFields = try Self.names(o["expected"], "completeness.expected")
        }
        if let c = members["consistency"] {
            guard let list = c.arrayValue else { throw QualityPolicyError(.invalidValue, "expected an array of rules", path: "consistency") }
            for (i, item) in list.enumerated() {
                let path = "consistency[\(i)]"
                do throws(QualityPolicyError) {
                    switch item {
                    case .string(let text): rules.append(try ConsistencyRule(text))
                    case .object:
                        let o = try Self.object(item, path, allowed: ["name", "rule"])
                        guard let text = o["rule"]?.stringValue else { throw QualityPolicyError(.invalidValue, "expected a string", path: "rule") }
                        let name = try o["name"].map { v throws(QualityPolicyError) -> String in
                            guard let s = v.stringValue, !s.isEmpty else { throw QualityPolicyError(.invalidValue, "expected a non-empty string", path: "name") }
                            return s
                        }
                        do throws(QualityPolicyError) { rules.append(try ConsistencyRule(text, name: name)) } catch { throw error.at("rule") }
                    default: throw QualityPolicyError(.invalidValue, "expected a rule string or {name, rule}")
                    }
                } catch {
                    throw error.at(path)
                }
            }
        }
        if let t = members["timeliness"] {
            let o = try Self.object(t, "timeliness", allowed: ["field", "max_age"])
            guard let field = o["field"]?.stringValue, !field.isEmpty else {
                throw QualityPolicyError(.invalidValue, "expected a field name", path: "timeliness.field")
            }
            guard let age = o["max_age"], let seconds = Self.seconds(age), seconds > 0 else {
                throw QualityPolicyError(.invalidValue, "expected a positive number of seconds or an ISO 8601 duration such as P30D or PT12H",
                                         path: "timeliness.max_age")
            }
            timestampField = field
            maxAgeSeconds = seconds
        }
        if let u = members["uniqueness"] {
            let o = try Self.object(u, "uniqueness", allowed: ["key"])
            uniquenessKey = try Self.names(o["key"], "uniqueness.key")
            scoresUniqueness = true
        }
        if let a = members["accuracy"] {
            let o = try Self.object(a, "accuracy", allowed: ["fields", "compare"])
            let fields = try Self.names(o["fields"], "accuracy.fields")
            guard !fields.isEmpty else { throw QualityPolicyError(.invalidValue, "name at least one field", path: "accuracy.fields") }
            let compare = try o["compare"].map { v throws(QualityPolicyError) in try Self.object(v, "accuracy.compare", allowed: fields) } ?? [:]
            accuracyFields = try fields.map { f throws(QualityPolicyError) in
                guard let c = compare[f] else { return (f, .exact) }
                guard let mode = c.stringValue.flatMap(Comparison.init(rawValue:)) else {
                    throw QualityPolicyError(.invalidValue, "expected one of: exact, text, date", path: "accuracy.compare.\(f)")
                }
                return (f, mode)
            }
        }
        if let w = members["weights"] {
            weights = try Self.dimensionMap(w, "weights", range: 0...1000)
        }
        if let t = members["thresholds"] {
            let o = try Self.object(t, "thresholds", allowed: ["accept", "flag"])
            acceptThreshold = try Self.unit(o["accept"], "thresholds.accept") ?? acceptThreshold
            flagThreshold = try Self.unit(o["flag"], "thresholds.flag") ?? flagThreshold
            guard flagThreshold <= acceptThreshold else {
                throw QualityPolicyError(.invalidValue, "flag must not exceed accept", path: "thresholds")
            }
        }
        if let m = members["minimums"] {
            minimums = try Self.dimensionMap(m, "minimums", range: 0...1)
        }
    }

    /// The weight of `dimension` (1 unless the policy says otherwise).
    /// - Parameter dimension: a dimension.
    /// - Returns: its weight.
    public func weight(of dimension: QualityDimension) -> Double { weights[dimension] ?? 1 }

    public static func == (a: Self, b: Self) -> Bool {
        a.requiredFields == b.requiredFields && a.expectedFields == b.expectedFields && a.rules == b.rules
            && a.timestampField == b.timestampField && a.maxAgeSeconds == b.maxAgeSeconds && a.uniquenessKey == b.uniquenessKey
            && a.scoresUniqueness == b.scoresUniqueness && a.accuracyFields.elementsEqual(b.accuracyFields, by: { $0 == $1 })
            && a.weights == b.weights && a.acceptThreshold == b.acceptThreshold && a.flagThreshold == b.flagThreshold
            && a.minimums == b.minimums
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(requiredFields)
        hasher.combine(expectedFields)
        hasher.combine(rules)
        hasher.combine(timestampField)
        hasher.combine(acceptThreshold)
    }

    // MARK: - Reading

    static func object(_ v: JSONValue, _ path: String, allowed: [String]) throws(QualityPolicyError) -> [String: JSONValue] {
        guard let o = v.objectValue else { throw QualityPolicyError(.invalidValue, "expected an object", path: path) }
        for key in o.keys.sorted() where !allowed.contains(key) {
            throw QualityPolicyError(.unknownMember, "unknown member; expected one of: \(allowed.joined(separator: ", "))", path: "\(path).\(key)")
        }
        return o
    }

    static func names(_ v: JSONValue?, _ path: String) throws(QualityPolicyError) -> [String] {
        guard let v else { return [] }
        guard let list = v.arrayValue else { throw QualityPolicyError(.invalidValue, "expected an array of field names", path: path) }
        var out: [String] = []
        for (i, item) in list.enumerated() {
            guard let s = item.stringValue, !s.isEmpty else {
                throw QualityPolicyError(.invalidValue, "expected a non-empty field name", path: "\(path)[\(i)]")
            }
            guard !out.contains(s) else { throw QualityPolicyError(.invalidValue, "'\(s)' is listed twice", path: "\(path)[\(i)]") }
            out.append(s)
        }
        return out
    }

    static func unit(_ v: JSONValue?, _ path: String) throws(QualityPolicyError) -> Double? {
        guard let v else { return nil }
        guard let d = v.doubleValue, d >= 0, d <= 1 else { throw QualityPolicyError(.invalidValue, "expected a number from 0 to 1", path: path) }
        return d
    }

    static func dimensionMap(_ v: JSONValue, _ path: String, range: ClosedRange<Double>) throws(QualityPolicyError) -> [QualityDimension: Double] {
        let o = try object(v, path, allowed: QualityDimension.allCases.map(\.rawValue))
        var out: [QualityDimension: Double] = [:]
        for (k, value) in o {
            guard let d = QualityDimension(rawValue: k) else { continue }
            guard let x = value.doubleValue, range.contains(x) else {
                throw QualityPolicyError(.invalidValue, "expected a number from \(range.lowerBound) to \(range.upperBound)", path: "\(path).\(k)")
            }
            out[d] = x
        }
        return out
    }

    /// Seconds from an integer, or an ISO 8601 duration of weeks, days,
    /// hours, minutes and seconds (`P1W`, `P30D`, `PT12H`, `P1DT6H`); years
    /// and months are refused as they have no fixed length.
    static func seconds(_ v: JSONValue) -> Int64? {
        if let i = v.intValue { return i }
        guard let s = v.stringValue, s.hasPrefix("P"), s.count > 1 else { return nil }
        var total: Int64 = 0
        var number = ""
        var inTime = false
        var any = false
        for c in s.dropFirst() {
            if c.isASCII, c.isNumber {
                number.append(c)
                continue
            }
            if c == "T" {
                guard number.isEmpty, !inTime else { return nil }
                inTime = true
                continue
            }
            guard let n = Int64(number), n <= 1_000_000 else { return nil }
            number = ""
            let unit: Int64
            switch (c, inTime) {
            case ("W", false): unit = 604_800
            case ("D", false): unit = 86_400
            case ("H", true): unit = 3600
            case ("M", true): unit = 60
            case ("S", true): unit = 1
            default: return nil
            }
            total += n * unit
            any = true
        }
        return number.isEmpty && any ? total : nil
    }
}
