import Foundation
import PavilionCore
@testable import PavilionPlugins
import PavilionTestSupport
import XCTest

final class HostServicesTests: XCTestCase {
    private let secretValue = "sk_live_9f8e7d6c5b4a"

    private func secretInstance(_ sink: CapturingLogSink) throws -> ConnectorInstance {
        let secrets = TableSecrets(table: ["acme": ["api_key": secretValue]])
        let loader = try makeLoader(PluginServices(logSink: sink, secrets: secrets, clock: FixedPluginClock(milliseconds: 5)))
        let manifest = makeManifest(library: try Fixture.library("logs_secret"), health: false,
                                    secrets: ["api_key", "declared_but_unset"])
        return try ConnectorInstance(plugin: try loader.load(manifest))
    }

    func testSecretsAreRedactedFromPluginLogs() throws {
        let sink = CapturingLogSink()
        let exchange = try secretInstance(sink).makeExchange()
        guard case .request = try exchange.begin(query: query(), tenant: "acme", requestID: "r") else {
            return XCTFail("expected a request")
        }
        _ = try exchange.step(HTTPResponse(status: 200, json: ["age_over_18": true]))
        let lines = sink.messages
        XCTAssertTrue(lines.contains("calling DP with key [REDACTED] now"), "\(lines)")
        XCTAssertTrue(lines.contains("still holding [REDACTED] after the lease"), "\(lines)")
        XCTAssertFalse(lines.contains { $0.contains(secretValue) })
        XCTAssertTrue(sink.all.allSatisfy { $0.connector == "fixture" && $0.level == .debug })
    }

    func testSecretServiceRefusesUndeclaredMissingAndNullArguments() throws {
        let sink = CapturingLogSink()
        let exchange = try secretInstance(sink).makeExchange()
        _ = try exchange.begin(query: query(), tenant: "acme", requestID: "r")
        // PV_ERR_INVALID_INPUT = 1, PV_ERR_NOT_FOUND = 4.
        XCTAssertTrue(sink.messages.contains("undeclared=1 missing=4 null=1"), "\(sink.messages)")
    }

    func testSecretsAreScopedByTenant() throws {
        let sink = CapturingLogSink()
        let exchange = try secretInstance(sink).makeExchange()
        let failure = assertFails(.host) { try exchange.begin(query: query(), tenant: "other-tenant", requestID: "r") }
        XCTAssertEqual(failure?.message, "no api_key")
    }

    func testLogMessagesAreBoundedAndSanitised() {
        let long = Array(repeating: UInt8(ascii: "x"), count: 10_000)
        let bounded = LogText.bounded(long, limit: PluginLogRecord.maxMessageBytes)
        XCTAssertTrue(bounded.hasPrefix(String(repeating: "x", count: PluginLogRecord.maxMessageBytes)))
        XCTAssertTrue(bounded.hasSuffix("…[truncated 7952 bytes]"), bounded)
        XCTAssertEqual(LogText.bounded(Array("a\nb\u{1B}[31m\tc".utf8), limit: 100), "a\u{FFFD}b\u{FFFD}[31m\tc")
        XCTAssertEqual(LogText.bounded([0x61, 0xFF, 0x62], limit: 100), "a\u{FFFD}b")
        // A multi-byte character is never split.
        XCTAssertEqual(LogText.bounded(Array("ééé".utf8), limit: 3), "é …[truncated 4 bytes]")
    }

    func testRedactionReplacesEveryOccurrence() {
        let redacted = LogText.redact(Array("k=abc, again abc; ab".utf8), secrets: [Array("abc".utf8), []])
        XCTAssertEqual(String(decoding: redacted, as: UTF8.self), "k=[REDACTED], again [REDACTED]; ab")
    }

    func testSecretLeasesAreWipedWhenTheCallReturns() {
        let leases = SecretLeases()
        let context = InstanceContext(connector: "c", declaredSecrets: ["k"],
                                      services: PluginServices(secrets: TableSecrets(table: ["t": ["k": "v"]])))
        let exchange = ExchangeContext(instance: context, tenant: "t", requestID: "r")
        guard case .value(let value) = exchange.secret(named: "k") else { return XCTFail("expected a value") }
        XCTAssertEqual(value, Array("v".utf8))
        guard case .undeclared = exchange.secret(named: "other") else { return XCTFail("expected undeclared") }
        let leased = leases.lease(value)
        XCTAssertEqual(Array(leased), Array("v".utf8))
        XCTAssertEqual(leases.count, 1)
        leases.releaseAll()
        XCTAssertEqual(leases.count, 0)
    }
}
