import PavilionCore
import PavilionNet
import XCTest

final class ConnectivityRegionRouterTests: XCTestCase {
    private let euWest = RegionRouter.Region(name: "eu-west", residency: .eu, priority: 1, endpoints: ["https://198.18.1.1"])
    private let euCentral = RegionRouter.Region(name: "eu-central", residency: .eu, priority: 1, endpoints: ["https://198.18.2.1"])
    private let zurich = RegionRouter.Region(name: "ch-zurich", residency: .ch, priority: 2, endpoints: ["https://198.18.3.1"])

    private func names(_ router: inout RegionRouter) -> [String] {
        var tried: [String] = []
        var action = router.start()
        while case .tryRegion(let region, _) = action {
            tried.append(region.name)
            action = router.currentRegionFailed()
        }
        return tried
    }

    func testLowestPriorityFirstThenPolicyOrder() {
        var router = RegionRouter(allowed: [zurich, euWest, euCentral])
        XCTAssertEqual(names(&router), ["eu-west", "eu-central", "ch-zurich"])
    }

    func testObservedLatencyOrdersRegionsOfEqualPriority() {
        var router = RegionRouter(allowed: [euWest, euCentral, zurich],
                                  observedLatencyMs: ["eu-west": 40, "eu-central": 12, "ch-zurich": 1])
        XCTAssertEqual(names(&router), ["eu-central", "eu-west", "ch-zurich"], "latency never beats priority")
        var unmeasured = RegionRouter(allowed: [euWest, euCentral], observedLatencyMs: ["eu-central": 12])
        XCTAssertEqual(names(&unmeasured), ["eu-central", "eu-west"])
        var byPolicy = RegionRouter(allowed: [euWest, euCentral], observedLatencyMs: ["eu-central": 12],
                                    configuration: .init(preferLowerLatency: false))
        XCTAssertEqual(names(&byPolicy), ["eu-west", "eu-central"])
    }

    func testFailoverReportsTheNextAllowedRegion() {
        var router = RegionRouter(allowed: [euWest, euCentral])
        XCTAssertEqual(router.start(), .tryRegion(euWest, failover: false))
        XCTAssertEqual(router.currentRegionFailed(), .tryRegion(euCentral, failover: true))
        XCTAssertEqual(router.currentRegion, euCentral)
        router.currentRegionAnswered()
        XCTAssertEqual(router.currentRegionFailed(), .none, "a late failure after the answer changes nothing")
        XCTAssertEqual(router.start(), .none)
    }

    func testEveryEURegionDownNeverReachesAnotherZoneAndNamesTheReason() {
        // The policy allowed only EU regions for an EU subject; a US region exists in the manifest but is not passed.
        var router = RegionRouter(allowed: [euWest, euCentral], subjectResidency: .eu,
                                  configuration: .init(whenExhausted: .unavailable(retryAfterSeconds: 15)))
        XCTAssertEqual(names(&router), ["eu-west", "eu-central"])
        let reason = RegionRouter.ResidencyReason(subjectResidency: .eu, triedRegions: ["eu-west", "eu-central"], allowedZones: [.eu])
        XCTAssertEqual(router.currentRegionFailed(), .none)
        var again = RegionRouter(allowed: [euWest, euCentral], subjectResidency: .eu,
                                 configuration: .init(whenExhausted: .unavailable(retryAfterSeconds: 15)))
        _ = again.start()
        _ = again.currentRegionFailed()
        XCTAssertEqual(again.currentRegionFailed(), .exhausted(.unavailable(retryAfterSeconds: 15, reason)))
        XCTAssertTrue(reason.description.contains("residency"))
        XCTAssertTrue(reason.description.contains("for a subject in eu"))
        XCTAssertTrue(reason.description.contains("tried eu-west, eu-central in eu)"), reason.description)
    }

    func testCannotAttestIsTheAlternativeDefiniteOutcome() {
        var router = RegionRouter(allowed: [zurich], subjectResidency: .eu, configuration: .init(whenExhausted: .cannotAttest))
        _ = router.start()
        XCTAssertEqual(router.currentRegionFailed(),
                       .exhausted(.cannotAttest(.init(subjectResidency: .eu, triedRegions: ["ch-zurich"], allowedZones: [.ch]))))
    }

    func testNoAllowedRegionEndsAtOnceWithoutARequest() {
        var router = RegionRouter(allowed: [], subjectResidency: .br)
        guard case .exhausted(.unavailable(let seconds, let reason)) = router.start() else { return XCTFail("expected 503") }
        XCTAssertEqual(seconds, 30)
        XCTAssertEqual(reason.triedRegions, [])
        XCTAssertTrue(reason.description.contains("no request was sent"))
    }

    func testDuplicateRegionNamesAreTriedOnce() {
        var router = RegionRouter(allowed: [euWest, euWest, euCentral])
        XCTAssertEqual(names(&router), ["eu-west", "eu-central"])
    }
}
