@testable import PavilionManifest
import XCTest

final class TextRulesTests: XCTestCase {
    func testEndpointsMustBeHTTPSExceptToLoopbackSimulators() {
        for good in ["https://a.example", "https://a.example:8443/base/v1", "https://[2001:db8::1]", "http://127.0.0.1:9000",
                     "http://localhost", "http://[::1]:1/x", "https://10.0.0.1:65535"] {
            XCTAssertNil(TextRules.endpointProblem(good), good)
        }
        for bad in ["http://a.example", "ftp://a.example", "https://", "https://user@a.example", "https://a.example?q=1",
                    "https://a.example/#f", "https://a.example:0", "https://a.example:65536", "https://-a.example",
                    "http://127.0.0.2", "https://a .example", "https://a.example/b c", "http://localhost.example"] {
            XCTAssertNotNil(TextRules.endpointProblem(bad), bad)
        }
    }

    func testSemanticVersionsFollowSemVer2() {
        for good in ["0.0.0", "1.2.3", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x-y.z",
                     "1.0.0+build.1", "1.0.0-rc.1+build.1-a"] {
            XCTAssertTrue(TextRules.isSemVer(good), good)
        }
        for bad in ["1", "1.0", "v1.0.0", "01.0.0", "1.0.0-", "1.0.0-01", "1.0.0+", "1.0.0+a..b", "1.0.0.0", "1.0.0-a_b"] {
            XCTAssertFalse(TextRules.isSemVer(bad), bad)
        }
    }

    func testRetentionIsAnISO8601Duration() {
        for good in ["P90D", "P1Y", "PT12H", "P1Y2M3W4DT5H6M7S", "P0D", "PT1S", "P2W"] {
            XCTAssertTrue(TextRules.isDuration(good), good)
        }
        for bad in ["P", "PT", "P1DT", "90D", "P1H", "P1D2Y", "P1.5D", "p90d", "P90 D", "P-1D"] {
            XCTAssertFalse(TextRules.isDuration(bad), bad)
        }
    }

    func testNamesAndHashes() {
        XCTAssertTrue(TextRules.isName("a"))
        XCTAssertTrue(TextRules.isName("camara-kyc-match"))
        XCTAssertTrue(TextRules.isName("a" + String(repeating: "b", count: 62)))
        XCTAssertFalse(TextRules.isName("a" + String(repeating: "b", count: 63)))
        XCTAssertFalse(TextRules.isName("1abc"))
        XCTAssertFalse(TextRules.isName("ab_c"))
        XCTAssertFalse(TextRules.isName(""))
        XCTAssertTrue(TextRules.isIdentifier("age_over_18"))
        XCTAssertFalse(TextRules.isIdentifier("age-over-18"))
        XCTAssertTrue(TextRules.isSHA256(String(repeating: "a", count: 64)))
        XCTAssertFalse(TextRules.isSHA256(String(repeating: "A", count: 64)))
        XCTAssertFalse(TextRules.isSHA256(String(repeating: "a", count: 63)))
        XCTAssertTrue(TextRules.isSPKIPin("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="))
        XCTAssertFalse(TextRules.isSPKIPin("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"))
    }

    func testDidYouMeanCountsASwapAsOneEdit() {
        XCTAssertEqual(DidYouMean.distance("regoins", "regions"), 1)
        XCTAssertEqual(DidYouMean.distance("kitten", "sitting"), 3)
        XCTAssertEqual(DidYouMean.suggestion(for: "regoins", among: ManifestValidator.specKeys), "regions")
        XCTAssertEqual(DidYouMean.suggestion(for: "libary", among: ManifestValidator.specKeys), "library")
        XCTAssertNil(DidYouMean.suggestion(for: "plugins", among: ManifestValidator.specKeys))
    }
}
