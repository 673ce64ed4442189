import PavilionCore

/// `spec.quality` and `spec.integrity`: their structure (the same rules as
/// docs/manifest.schema.json). The quality policy is kept as JSON for the
/// host, which compiles it with PavilionData's `QualityPolicy` (consistency
/// rules are parsed there; docs/data.md); the integrity keys are read and
/// parsed by the host at load.
extension ManifestValidator {
    /// The quality dimensions, as `weights` and `minimums` name them.
    static let qualityDimensions = ["completeness", "validity", "consistency", "timeliness", "uniqueness", "accuracy"]
    /// The keys of `spec.quality`.
    static let qualityKeys = ["completeness", "consistency", "timeliness", "uniqueness", "accuracy", "weights", "thresholds", "minimums"]
    /// The response-signature schemes the host verifies.
    static let signatureSchemes = ["jws", "http-message-signatures"]
    /// The JWS algorithms a DP may sign with.
    static let signatureAlgorithms = ["ES256", "ES384", "EdDSA", "PS256", "RS256"]

    mutating func readQuality(_ node: YAMLNode) -> JSONValue? {
        let before = diagnostics.count
        guard let m = mapping(node, path: "spec.quality", keys: Self.qualityKeys, required: []) else { return nil }
        if let n = m["completeness"], let c = mapping(n, path: "spec.quality.completeness", keys: ["required", "expected"], required: []) {
            for key in ["required", "expected"] { if let v = c[key] { _ = fieldNames(v, "spec.quality.completeness.\(key)", nonEmpty: false) } }
        }
        if let n = m["consistency"], let items = list(n, "spec.quality.consistency", nonEmpty: false) {
            for (i, item) in items.enumerated() {
                let p = "spec.quality.consistency[\(i)]"
                if item.scalar != nil {
                    _ = string(item, p, nonEmpty: true)
                } else if let r = mapping(item, path: p, keys: ["name", "rule"], required: ["rule"]) {
                    if let v = r["name"] { _ = string(v, "\(p).name", nonEmpty: true) }
                    if let v = r["rule"] { _ = string(v, "\(p).rule", nonEmpty: true) }
                }
            }
        }
        if let n = m["timeliness"], let t = mapping(n, path: "spec.quality.timeliness", keys: ["field", "max_age"], required: ["field", "max_age"]) {
            if let v = t["field"] { _ = string(v, "spec.quality.timeliness.field", nonEmpty: true) }
            if let v = t["max_age"] { readMaxAge(v, "spec.quality.timeliness.max_age") }
        }
        if let n = m["uniqueness"], let u = mapping(n, path: "spec.quality.uniqueness", keys: ["key"], required: []) {
            if let v = u["key"] { _ = fieldNames(v, "spec.quality.uniqueness.key", nonEmpty: false) }
        }
        if let n = m["accuracy"], let a = mapping(n, path: "spec.quality.accuracy", keys: ["fields", "compare"], required: ["fields"]) {
            let fields = a["fields"].flatMap { fieldNames($0, "spec.quality.accuracy.fields", nonEmpty: true) }
            if let v = a["compare"], let fields,
               let c = mapping(v, path: "spec.quality.accuracy.compare", keys: fields, required: []) {
                for (field, mode) in c { _ = word(mode, "spec.quality.accuracy.compare.\(field)", ["exact", "text", "date"], what: "comparison") }
            }
        }
        if let n = m["weights"] { readDimensionMap(n, "spec.quality.weights", 0...1000) }
        if let n = m["minimums"] { readDimensionMap(n, "spec.quality.minimums", 0...1) }
        if let n = m["thresholds"], let t = mapping(n, path: "spec.quality.thresholds", keys: ["accept", "flag"], required: []) {
            let accept = t["accept"].flatMap { unitNumber($0, "spec.quality.thresholds.accept") }
            let flag = t["flag"].flatMap { unitNumber($0, "spec.quality.thresholds.flag") }
            if let flagNode = t["flag"], let flag, flag > (accept ?? 0.9) {
                fail(flagNode.location, "spec.quality.thresholds.flag: \(flag) must not exceed accept (\(accept ?? 0.9))")
            }
        }
        guard diagnostics.count == before else { return nil }
        do {
            return try node.jsonValue()
        } catch {
            fail(error.location, "spec.quality: \(error.message)")
            return nil
        }
    }

    mutating func readIntegrity(_ node: YAMLNode) -> Manifest.Integrity? {
        guard let m = mapping(node, path: "spec.integrity", keys: ["response_signature", "keys", "algorithms"],
                              required: ["response_signature", "keys"]) else { return nil }
        let scheme = m["response_signature"].flatMap {
            word($0, "spec.integrity.response_signature", Self.signatureSchemes, what: "signature scheme")
        }
        var keysFile: String?
        var inlineKeys: JSONValue?
        var keysOK = false
        if let k = m["keys"] {
            if k.scalar != nil {
                if let path = filePath(k, "spec.integrity.keys") {
                    keysFile = resolve(path)
                    keysOK = true
                }
            } else if let object = jsonObject(k, "spec.integrity.keys") {
                if let keys = object.objectValue?["keys"]?.arrayValue, !keys.isEmpty, keys.allSatisfy({ $0.objectValue != nil }) {
                    inlineKeys = object
                    keysOK = true
                } else {
                    fail(k.location, "spec.integrity.keys: an inline JWK set needs a non-empty 'keys' list of JWK objects (RFC 7517 §5)")
                }
            }
        }
        var algorithms: [String]? = Manifest.Integrity.defaultAlgorithms
        if let a = m["algorithms"] {
            algorithms = words(a, "spec.integrity.algorithms", Self.signatureAlgorithms, what: "JWS algorithm")
        }
        guard let scheme, keysOK, let algorithms else { return nil }
        return Manifest.Integrity(responseSignature: scheme, keysFile: keysFile, inlineKeys: inlineKeys, algorithms: algorithms)
    }

    /// Dotted field paths (`name.0.family`): distinct, non-empty strings.
    private mutating func fieldNames(_ node: YAMLNode, _ path: String, nonEmpty: Bool) -> [String]? {
        strings(node, path, nonEmpty: nonEmpty) { v, item, p in v.string(item, p, nonEmpty: true) }
    }

    /// A number in [0, 1].
    private mutating func unitNumber(_ node: YAMLNode, _ path: String) -> Double? {
        guard let value = number(node, path) else { return nil }
        guard (0...1).contains(value) else {
            fail(node.location, "\(path): must be between 0 and 1, found \(node.scalar?.text ?? String(value))")
            return nil
        }
        return value
    }

    /// `{dimension: number}` with numbers in `range`.
    private mutating func readDimensionMap(_ node: YAMLNode, _ path: String, _ range: ClosedRange<Double>) {
        guard let m = mapping(node, path: path, keys: Self.qualityDimensions, required: []) else { return }
        for (name, value) in m {
            guard let v = number(value, "\(path).\(name)") else { continue }
            if !range.contains(v) {
                fail(value.location, "\(path).\(name): must be between \(Self.plain(range.lowerBound)) and \(Self.plain(range.upperBound)), found \(value.scalar?.text ?? String(v))")
            }
        }
    }

    /// `max_age`: a positive integer of seconds, or an ISO 8601 duration of
    /// weeks, days, hours, minutes and seconds (`P30D`, `PT12H`). Years and
    /// months are refused: they have no fixed length.
    private mutating func readMaxAge(_ node: YAMLNode, _ path: String) {
        if case .int? = node.scalar?.value {
            _ = integer(node, path, 1...Int.max)
            return
        }
        guard let text = string(node, path, nonEmpty: true) else { return }
        if !Self.isFixedDuration(text) {
            fail(node.location, "\(path): \"\(text.debugEscaped)\" is not a positive number of seconds or an ISO 8601 duration of weeks, days, hours, minutes and seconds (P30D, PT12H; P1Y and P1M are refused: they have no fixed length)")
        }
    }

    /// `P[nW][nD][T[nH][nM][nS]]`, at least one part, not all zero.
    static func isFixedDuration(_ text: String) -> Bool {
        var rest = Substring(text)
        guard rest.first == "P" else { return false }
        rest = rest.dropFirst()
        var parts = 0
        var nonZero = false
        var inTime = false
        var allowed: [Character] = ["W", "D"]
        while let c = rest.first {
            if c == "T" {
                guard !inTime else { return false }
                inTime = true
                allowed = ["H", "M", "S"]
                rest = rest.dropFirst()
                guard !rest.isEmpty else { return false }
                continue
            }
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 9 else { return false }
            rest = rest.dropFirst(digits.count)
            guard let unit = rest.first, let at = allowed.firstIndex(of: unit) else { return false }
            allowed = Array(allowed[(at + 1)...])
            rest = rest.dropFirst()
            parts += 1
            if digits.contains(where: { $0 != "0" }) { nonZero = true }
        }
        return parts > 0 && nonZero
    }

    private static func plain(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }
}
