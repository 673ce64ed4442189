import PavilionCore

/// The outcome of one conformance check.
public struct ConformanceCheck: Sendable, Hashable {
    /// Stable check name: `manifest`, `library`, `negotiation`, `describe`,
    /// `lifecycle`, `fixture:<case>`, `malformed:<kind>`, `endurance`,
    /// `concurrency`, `health`.
    public var name: String
    public var passed: Bool
    /// What was seen: a figure when it passed, the reason when it failed.
    public var detail: String
    /// Wall-clock milliseconds the check took (information only).
    public var milliseconds: Double

    public init(name: String, passed: Bool, detail: String, milliseconds: Double = 0) {
        self.name = name
        self.passed = passed
        self.detail = detail
        self.milliseconds = milliseconds
    }

    /// The check as a JSON object (`name`, `passed`, `detail`, `ms`).
    public var json: JSONValue {
        ["name": .string(name), "passed": .bool(passed), "detail": .string(detail), "ms": .double((milliseconds * 1000).rounded() / 1000)]
    }

    /// Read a check back from ``json``.
    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue, let passed = json["passed"]?.boolValue,
              let detail = json["detail"]?.stringValue else { return nil }
        self.init(name: name, passed: passed, detail: detail, milliseconds: json["ms"]?.doubleValue ?? 0)
    }
}

/// Everything `pavilion connector test` found about one connector.
public struct ConformanceReport: Sendable, Hashable {
    /// The manifest file tested.
    public var manifest: String
    /// `metadata.name` and `metadata.version`, once the manifest loaded.
    public var connector: String?
    public var version: String?
    public var checks: [ConformanceCheck]

    public init(manifest: String, connector: String? = nil, version: String? = nil, checks: [ConformanceCheck] = []) {
        self.manifest = manifest
        self.connector = connector
        self.version = version
        self.checks = checks
    }

    /// Whether every check passed (and there was at least one).
    public var passed: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) }

    /// The report as one JSON object.
    public var json: JSONValue {
        let failed = checks.filter { !$0.passed }.count
        return [
            "manifest": .string(manifest),
            "connector": connector.map(JSONValue.string) ?? .null,
            "version": version.map(JSONValue.string) ?? .null,
            "passed": .bool(passed),
            "summary": ["checks": .int(Int64(checks.count)), "passed": .int(Int64(checks.count - failed)), "failed": .int(Int64(failed))],
            "checks": .array(checks.map(\.json)),
        ]
    }

    /// The report for people: one line per check, then a summary line.
    public var text: String {
        var lines = ["conformance: \(connector ?? "?") \(version ?? "") (\(manifest))"]
        let width = min(40, checks.map(\.name.count).max() ?? 0)
        for check in checks {
            let name = check.name.padding(toLength: max(width, check.name.count), withPad: " ", startingAt: 0)
            lines.append("\(check.passed ? "PASS" : "FAIL") \(name)  \(check.detail)")
        }
        let failed = checks.filter { !$0.passed }.count
        lines.append("\(checks.count) checks, \(checks.count - failed) passed, \(failed) failed")
        return lines.joined(separator: "\n")
    }
}
