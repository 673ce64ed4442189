import PavilionCore

/// The JSON report of `pavilion credential verify`: the format found and
/// each check with its outcome. A check is passed (`true`), failed
/// (`false`, with the reason) or not checked (`null`, with why).
struct CredentialReport {
    struct Check {
        var name: String
        var passed: Bool?
        var reason: String
    }

    var format: String?
    var checks: [Check] = []

    /// Valid when at least the signature passed and no check failed.
    var isValid: Bool {
        checks.contains { $0.name == "signature" && $0.passed == true } && !checks.contains { $0.passed == false }
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

    var json: JSONValue {
        .object([
            "valid": .bool(isValid),
            "format": format.map(JSONValue.string) ?? .null,
            "checks": .array(checks.map { check in
                .object(["name": .string(check.name), "passed": check.passed.map(JSONValue.bool) ?? .null,
                         "reason": .string(check.reason)])
            }),
        ])
    }
}
