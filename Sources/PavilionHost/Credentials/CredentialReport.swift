import PavilionCore

/// The JSON report of `pavilion credential verify` and
/// `POST /v1/credentials/verify`: the format found and each check with its
/// outcome. A check is passed (`true`), failed (`false`, with the reason)
/// or not checked (`null`, with why). `status` says what the status list
/// said: `valid`, `revoked`, `suspended`, `other`, `undetermined` (the list
/// could not be read, verified or was stale — never reported as revoked),
/// `none` (no status entry) or `not_checked`.
public struct CredentialReport: Sendable {
    /// One check.
    public struct Check: Sendable {
        /// Its name (`signature`, `status`, …).
        public var name: String
        /// Passed, failed, or nil for not checked.
        public var passed: Bool?
        /// Why.
        public var reason: String
    }

    /// The format detected.
    public var format: String?
    /// The checks in the order made.
    public var checks: [Check] = []
    /// The status result's name (see the type's summary).
    public var status = "not_checked"

    /// An empty report.
    public init() {}

    /// Valid when the signature passed, no check failed and the status was
    /// not undetermined.
    public var isValid: Bool {
        checks.contains { $0.name == "signature" && $0.passed == true } && !checks.contains { $0.passed == false }
            && status != "undetermined"
    }

    mutating func pass(_ name: String, _ reason: String = "ok") { checks.append(Check(name: name, passed: true, reason: reason)) }
    mutating func fail(_ name: String, _ reason: String) { checks.append(Check(name: name, passed: false, reason: reason)) }
    mutating func skip(_ name: String, _ reason: String) { checks.append(Check(name: name, passed: nil, reason: reason)) }

    /// Record the checks of `order` up to the failed one: those before it
    /// passed, it failed with `reason`, those after were not checked.
    mutating func outcome(_ order: [String], failed: String?, reason: String = "") {
        var reached = false
        for name in order {
            if reached {
                skip(name, "not checked: an earlier check failed")
            } else if name == failed {
                fail(name, reason)
                reached = true
            } else {
                pass(name)
            }
        }
    }

    /// `{valid, format, status, checks: [{name, passed, reason}]}`.
    public var json: JSONValue {
        .object([
            "valid": .bool(isValid),
            "format": format.map(JSONValue.string) ?? .null,
            "status": .string(status),
            "checks": .array(checks.map { check in
                .object(["name": .string(check.name), "passed": check.passed.map(JSONValue.bool) ?? .null,
                         "reason": .string(check.reason)])
            }),
        ])
    }
}
