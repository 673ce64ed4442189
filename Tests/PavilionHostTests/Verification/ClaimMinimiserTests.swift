import PavilionCore
import PavilionHost
import XCTest

final class ClaimMinimiserTests: XCTestCase {
    func testOnlyRequestedClaimsSurvive() {
        let result: JSONValue = ["name_match": "true", "birthdate_match": "false", "raw_name": "Ada Lovelace"]
        XCTAssertEqual(ClaimMinimiser.minimise(result, to: ["name_match"]), ["name_match": "true"])
        XCTAssertEqual(ClaimMinimiser.minimise(result, to: ["name_match", "email_match"]), ["name_match": "true"])
        XCTAssertEqual(ClaimMinimiser.minimise(result, to: []), .object([:]))
        XCTAssertEqual(ClaimMinimiser.minimise(["x"], to: ["x"]), .object([:]))
    }
}
