import Foundation
import PavilionCore
import PavilionCredentials
import XCTest

final class VerifiableCredentialTests: XCTestCase {
    let example: JSONValue = [
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "http://university.example/credentials/3732",
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "issuer": "https://university.example/issuers/565049",
        "validFrom": "2010-01-01T00:00:00Z",
        "credentialSubject": ["id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "degree": ["type": "ExampleBachelorDegree", "name": "Bachelor of Science and Arts"]],
    ]

    private func changing(_ change: (inout [String: JSONValue]) -> Void) -> JSONValue {
        var members = example.objectValue ?? [:]
        change(&members)
        return .object(members)
    }

    private func assertBroken(_ json: JSONValue, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try VerifiableCredential(json: json), message, file: file, line: line) { error in
            XCTAssertEqual((error as? VCError)?.check, .dataModel, "\(message): \(error)", file: file, line: line)
        }
    }

    func testSpecificationExampleIsAccepted() throws {
        let vc = try VerifiableCredential(json: example)
        XCTAssertEqual(vc.issuer, "https://university.example/issuers/565049")
        XCTAssertEqual(vc.types, ["VerifiableCredential", "ExampleDegreeCredential"])
        XCTAssertEqual(vc.validFrom, DateTimeStamp.parse("2010-01-01T00:00:00Z"))
        let withIssuerObject = try VerifiableCredential(json: changing { $0["issuer"] = ["id": "did:example:76e12ec712ebc6f1c221ebfeb1f", "name": "Example University"] })
        XCTAssertEqual(withIssuerObject.issuer, "did:example:76e12ec712ebc6f1c221ebfeb1f")
    }

    func testDataModelViolationsAreNamed() {
        assertBroken(changing { $0["@context"] = ["https://www.w3.org/2018/credentials/v1"] }, "1.1 context")
        assertBroken(changing { $0["@context"] = "https://www.w3.org/ns/credentials/v2" }, "context not an array")
        assertBroken(changing { $0["@context"] = ["https://www.w3.org/ns/credentials/examples/v2", "https://www.w3.org/ns/credentials/v2"] }, "base not first")
        assertBroken(changing { $0["type"] = ["ExampleDegreeCredential"] }, "no VerifiableCredential type")
        assertBroken(changing { $0["type"] = nil }, "no type")
        assertBroken(changing { $0["issuer"] = nil }, "no issuer")
        assertBroken(changing { $0["issuer"] = "not a url" }, "issuer not a URL")
        assertBroken(changing { $0["issuer"] = ["name": "x"] }, "issuer object without id")
        assertBroken(changing { $0["credentialSubject"] = nil }, "no subject")
        assertBroken(changing { $0["credentialSubject"] = [:] }, "empty subject")
        assertBroken(changing { $0["credentialSubject"] = [] }, "empty subject array")
        assertBroken(changing { $0["validFrom"] = "2010-01-01T00:00:00" }, "validFrom without zone")
        assertBroken(changing { $0["validFrom"] = "2010-02-30T00:00:00Z" }, "impossible date")
        assertBroken(changing { $0["validUntil"] = "2009-01-01T00:00:00Z" }, "validUntil before validFrom")
        assertBroken(changing { $0["id"] = 5 }, "id not a string")
        assertBroken(changing { $0["credentialStatus"] = ["id": "https://x.example/1"] }, "status without type")
        assertBroken(changing { $0["credentialStatus"] = ["type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                                                          "statusListIndex": 94567, "statusListCredential": "https://x.example/status/3"] },
                     "index as a number")
        assertBroken("[]", "not an object")
    }

    func testBitstringStatusEntryRoundTrips() throws {
        let entry = BitstringStatusListEntry(id: "https://example.com/credentials/status/3#94567", statusPurpose: .revocation,
                                             statusListIndex: 94567, statusListCredential: "https://example.com/credentials/status/3")
        let vc = try VerifiableCredential(issuer: "did:example:issuer", subject: ["id": "did:example:holder", "verified": true],
                                          validFrom: Date(timeIntervalSince1970: 1_700_000_000), status: [entry])
        XCTAssertEqual(vc.statusEntries, [entry])
        XCTAssertEqual(vc.json["credentialStatus"]?["statusListIndex"], "94567")
        XCTAssertEqual(vc.json["validFrom"], "2023-11-14T22:13:20Z")
        XCTAssertEqual(try VerifiableCredential(json: vc.jsonValue), vc)
    }

    func testDateTimeStampsParseStrictly() {
        XCTAssertEqual(DateTimeStamp.parse("2023-02-24T23:36:38Z")?.timeIntervalSince1970, 1_677_281_798)
        XCTAssertEqual(DateTimeStamp.parse("2023-02-25T01:36:38.5+02:00")?.timeIntervalSince1970, 1_677_281_798.5)
        XCTAssertEqual(DateTimeStamp.parse("2024-02-29T00:00:00-00:30")?.timeIntervalSince1970, 1_709_166_600)
        for bad in ["2023-02-24", "2023-02-24T23:36:38", "2023-02-24T24:00:00Z", "2023-02-29T00:00:00Z", "2023-2-24T23:36:38Z",
                    "2023-02-24T23:36:38.Z", "2023-02-24T23:36:38+2:00", "2023-02-24T23:36:60Z", "2023-02-24t23:36:38Z", ""] {
            XCTAssertNil(DateTimeStamp.parse(bad), bad)
        }
        XCTAssertEqual(DateTimeStamp.format(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00Z")
        XCTAssertEqual(DateTimeStamp.format(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29T00:00:00Z")
    }
}
