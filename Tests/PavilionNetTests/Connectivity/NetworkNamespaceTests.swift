import Foundation
import PavilionTestSupport
import XCTest

/// Smoke test of the namespace harness: a real TCP exchange between two
/// namespaces over a veth pair, then none once the link is down.
final class NetworkNamespaceTests: XCTestCase {
    func testVethPeersReachEachOtherUntilTheLinkGoesDown() throws {
        try NetworkNamespace.skipUnlessAvailable()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else { throw XCTSkip("curl is not installed") }
        let dp = try NetworkNamespace(label: "dp")
        let host = try NetworkNamespace(label: "host")
        let names = [dp.name, host.name]
        defer {
            dp.delete()
            host.delete()
        }

        let link = try NetworkNamespace.connect(host, "198.18.0.2", dp, "198.18.0.1")
        XCTAssertEqual(try dp.defaultRoutes(), "")
        XCTAssertEqual(try host.defaultRoutes(), "")
        // No default route: an address outside the test's own links is unreachable at once.
        let offLink = try host.run("/usr/bin/curl", ["-sS", "--max-time", "2", "http://198.51.100.1/"])
        XCTAssertEqual(offLink.status, 7, "curl should fail to connect: \(offLink.stderr)")

        let simulator = try dp.spawn(TestEnvironment.pavilionBinary.path,
                                     ["simulate", "echo", "--host", "198.18.0.1", "--port", "18080"])
        let banner = try XCTUnwrap(simulator.outputLine(seconds: 20), "the simulator did not start")
        XCTAssertTrue(banner.contains("http://198.18.0.1:18080"), banner)

        let answer = try host.run("/usr/bin/curl", ["-sS", "--max-time", "5", "http://198.18.0.1:18080/echo"])
        XCTAssertEqual(answer.status, 0, answer.stderr)
        XCTAssertEqual(answer.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "{}")

        try link.setUp(false)
        let refused = try host.run("/usr/bin/curl", ["-sS", "--max-time", "2", "http://198.18.0.1:18080/echo"])
        XCTAssertEqual(refused.status, 7, "reachable over a link that is down? \(refused.stderr)")

        dp.delete()
        host.delete()
        for name in names {
            XCTAssertFalse(try NetworkNamespace.exists(name), "\(name) was left behind")
        }
    }

    func testAddressesOutsideTheBenchmarkingRangeAreRefused() throws {
        XCTAssertTrue(NetworkNamespace.isBenchmarkingAddress("198.18.0.1"))
        XCTAssertTrue(NetworkNamespace.isBenchmarkingAddress("198.19.255.254"))
        XCTAssertFalse(NetworkNamespace.isBenchmarkingAddress("198.20.0.1"))
        XCTAssertFalse(NetworkNamespace.isBenchmarkingAddress("10.0.0.1"))
        XCTAssertFalse(NetworkNamespace.isBenchmarkingAddress("198.18.0"))
        XCTAssertFalse(NetworkNamespace.isBenchmarkingAddress("198.18.0.256"))
    }
}
