import Foundation
import PavilionCore
import XCTest

/// A data provider that misbehaves gives the caller a 502 or 504 problem,
/// never a crash; faults are set on the simulator through its control API.
final class ServiceUpstreamFaultTests: ServiceTestCase {
    /// A short verification budget, so that the stall test is quick.
    override class var harnessOptions: ServiceHarness.Options {
        var options = ServiceHarness.Options()
        options.requestTimeoutMs = 2000
        return options
    }

    func testGarbageFromTheDataProviderIs502Problem() throws {
        try harness.setFaults("camara", #"{"garbage":true,"paths":["/kyc-match/"]}"#)
        defer { try? harness.setFaults("camara", "{}") }
        let response = try verify(Self.camaraBody)
        assertProblem(response, 502, "upstream_error")
        let stats = try harness.simulatorControl("camara").get("/_sim/stats")
        XCTAssertGreaterThanOrEqual(stats.json?["faults"]?["garbage"]?.intValue ?? 0, 1, stats.summary)
        try harness.setFaults("camara", "{}")
        XCTAssertEqual(try verify(Self.camaraBody).status, 200, "camara after the fault is cleared")
        try assertStillServes()
    }

    func testConnectionResetByTheDataProviderIs502Problem() throws {
        try harness.setFaults("echo", #"{"reset":true}"#)
        defer { try? harness.setFaults("echo", "{}") }
        let response = try verify(Self.echoBody)
        assertProblem(response, 502, "upstream_error")
        try harness.setFaults("echo", "{}")
        try assertStillServes()
    }

    func testStallingDataProviderIs504BeforeTheDeadline() throws {
        try harness.setFaults("echo", #"{"stall":true}"#)
        defer { try? harness.setFaults("echo", "{}") }
        // curl gives up well after the configured budget: an answer at all
        // means the service answered before its own deadline plus slack.
        let budget = Double(harness.options.requestTimeoutMs) / 1000
        let response = try verify(Self.echoBody, maxTime: budget + 10)
        assertProblem(response, 504, "upstream_timeout")
        try harness.setFaults("echo", "{}")
        try assertStillServes()
    }
}
