import PavilionHost
import XCTest

/// Logs and metrics label a route by the path part of its name.
final class RouteLabelTests: XCTestCase {
    func testEveryRouteIsLabelledByItsPath() {
        for route in HostAPI.Route.allCases {
            let parts = route.rawValue.split(separator: " ")
            let expected = route == .unknown ? "unknown" : String(parts.last ?? "")
            XCTAssertEqual(route.pathLabel, expected, route.rawValue)
            if route != .unknown {
                XCTAssertEqual(parts.count, 2, route.rawValue)
                XCTAssertTrue(route.pathLabel.hasPrefix("/"), route.rawValue)
            }
        }
    }
}
