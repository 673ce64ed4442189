import Foundation
import PavilionCore
import PavilionCredentials
import XCTest

/// W3C Bitstring Status List v1.0: the spec's credential and entries,
/// bit order, multi-bit entries and refusals.
final class BitstringStatusListTests: XCTestCase {
    private var vectors: JSONValue!

    override func setUpWithError() throws { vectors = try StatusFixtures.json("w3c-bitstring-status-list.json") }

    func testSpecExampleCredentialDecodesToAnEmpty131072EntryList() throws {
        let credential = try BitstringStatusListCredential(json: try XCTUnwrap(vectors["statusListCredential"]))
        XCTAssertEqual(credential.id, "https://example.com/credentials/status/3")
        XCTAssertEqual(credential.issuer, "did:example:12345")
        XCTAssertEqual(credential.statusPurposes, [.revocation])
        XCTAssertEqual(credential.subjectID, "https://example.com/status/3#list")
        XCTAssertEqual(credential.validFrom, Date(timeIntervalSince1970: 1_617_632_860))  // 2021-04-05T14:27:40Z
        let list = try credential.list()
        XCTAssertEqual(list.count, 131_072)
        XCTAssertEqual(list.bytes.count, 16_384)
        XCTAssertTrue(list.bytes.allSatisfy { $0 == 0 })
        XCTAssertEqual(try list.status(at: 94_567), 0, "the spec's entry index is unset")
    }

    func testSpecExampleEntriesParseAndRoundTrip() throws {
        let entries = try XCTUnwrap(vectors["credentialStatusSimple"]?.arrayValue)
        let revocation = try BitstringStatusListEntry(json: entries[0])
        XCTAssertEqual(revocation.statusPurpose, .revocation)
        XCTAssertEqual(revocation.statusListIndex, 94_567)
        XCTAssertEqual(revocation.statusListCredential, "https://example.com/credentials/status/3")
        XCTAssertEqual(revocation.statusSize, 1)
        XCTAssertEqual(revocation.jsonValue, entries[0])
        let suspension = try BitstringStatusListEntry(json: entries[1])
        XCTAssertEqual(suspension.statusPurpose, .suspension)
        XCTAssertEqual(suspension.statusListIndex, 23_452)
        let message = try BitstringStatusListEntry(json: try XCTUnwrap(vectors["credentialStatusMessage"]))
        XCTAssertEqual(message.statusSize, 2)
        XCTAssertEqual(message.message(for: 2), "rejected")
        XCTAssertEqual(message.statusReference, ["https://example.org/status-dictionary/"])
        XCTAssertEqual(message.jsonValue, vectors["credentialStatusMessage"])
    }

    func testIndexZeroIsTheLeftMostBit() throws {
        var list = try BitstringStatusList()
        try list.setStatus(1, at: 0)
        try list.setStatus(1, at: 9)
        XCTAssertEqual(Array(list.bytes.prefix(2)), [0x80, 0x40])
        let encoded = try list.encodedList()
        XCTAssertTrue(encoded.hasPrefix("uH4sI"), "multibase u + base64url of a GZIP member")
        let back = try BitstringStatusList(encodedList: encoded)
        XCTAssertEqual(back, list)
        XCTAssertEqual(try back.status(at: 0), 1)
        XCTAssertEqual(try back.status(at: 1), 0)
        XCTAssertEqual(try back.status(at: 9), 1)
    }

    func testMultiBitEntriesArePackedMostSignificantFirst() throws {
        var list = try BitstringStatusList(entries: 131_072, statusSize: 2)
        try list.setStatus(2, at: 0)  // bits 0,1 = 1 0
        try list.setStatus(3, at: 3)  // bits 6,7 = 1 1
        XCTAssertEqual(list.bytes[0], 0b1000_0011)
        XCTAssertEqual(try list.status(at: 0), 2)
        XCTAssertEqual(try list.status(at: 3), 3)
        XCTAssertStatusError(try list.setStatus(4, at: 1), .invalidStatus)
    }

    func testCredentialJSONRoundTrips() throws {
        var list = try BitstringStatusList()
        try list.setStatus(1, at: 77)
        let credential = try BitstringStatusListCredential(
            id: "https://issuer.test/status/1", issuer: "https://issuer.test", validFrom: Date(timeIntervalSince1970: 1_750_000_000),
            subjectID: "https://issuer.test/status/1#list", statusPurposes: [.revocation, .suspension],
            timeToLiveMilliseconds: 300_000, list: list)
        let json = credential.jsonValue
        XCTAssertEqual(json["validFrom"], "2025-06-15T15:06:40Z")
        XCTAssertEqual(json["credentialSubject"]?["statusPurpose"], ["revocation", "suspension"])
        let back = try BitstringStatusListCredential(json: json)
        XCTAssertEqual(back.timeToLiveMilliseconds, 300_000)
        XCTAssertEqual(try back.list().status(at: 77), 1)
    }

    func testShortListsAreRefused() throws {
        XCTAssertStatusError(try BitstringStatusList(entries: 1_000), .listTooShort)
        let small = try BitstringStatusList(entries: 1_024, minimumEntries: 1_024).encodedList()
        XCTAssertStatusError(try BitstringStatusList(encodedList: small), .listTooShort, "STATUS_LIST_LENGTH_ERROR")
        // The spec's 131,072-bit list holds only 65,536 two-bit entries.
        let spec = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
        XCTAssertStatusError(try BitstringStatusList(encodedList: spec, statusSize: 2), .listTooShort)
    }

    func testMalformedEncodedListsAreRefused() {
        let spec = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
        XCTAssertStatusError(try BitstringStatusList(encodedList: String(spec.dropFirst())), .invalidEncoding, "no multibase prefix")
        XCTAssertStatusError(try BitstringStatusList(encodedList: "z" + spec.dropFirst()), .invalidEncoding, "base58 prefix")
        XCTAssertStatusError(try BitstringStatusList(encodedList: String(spec.dropLast(8))), .compression, "truncated")
        XCTAssertStatusError(try BitstringStatusList(encodedList: "ueNrbuRgAAhcBXQ"), .compression, "ZLIB, not GZIP")
        XCTAssertStatusError(try BitstringStatusList(encodedList: spec, maximumBytes: 1_000), .tooLarge)
        XCTAssertStatusError(try BitstringStatusList(encodedList: spec, statusSize: 9), .invalidBits)
    }

    func testMalformedEntriesAreRefused() throws {
        func entry(_ changes: [String: JSONValue]) -> JSONValue {
            var base: [String: JSONValue] = ["type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                                             "statusListIndex": "94567", "statusListCredential": "https://example.com/s/3"]
            for (k, v) in changes { base[k] = v }
            return .object(base)
        }
        XCTAssertNoThrow(try BitstringStatusListEntry(json: entry([:])))
        XCTAssertStatusError(try BitstringStatusListEntry(json: entry(["statusListIndex": 94567])), .invalidEncoding, "number, not string")
        XCTAssertStatusError(try BitstringStatusListEntry(json: entry(["statusListIndex": "-1"])), .invalidEncoding)
        XCTAssertStatusError(try BitstringStatusListEntry(json: entry(["statusListIndex": "0x10"])), .invalidEncoding)
        XCTAssertStatusError(try BitstringStatusListEntry(json: entry(["statusListIndex": "007"])), .invalidEncoding)
        XCTAssertStatusError(try BitstringStatusListEntry(json: entry(["type": "StatusList2021Entry"])), .invalidEncoding)
        XCTAssertStatusError(try BitstringStatusListEntry(json: entry(["statusSize": 0])), .invalidEncoding)
        XCTAssertStatusError(try BitstringStatusListEntry(json: entry(["statusSize": 2])), .invalidEncoding, "statusMessage required")
        XCTAssertStatusError(try BitstringStatusListEntry(json: entry(["id": "https://example.com/s/3"])), .invalidEncoding,
                             "id must not be the list URL")
        XCTAssertStatusError(try BitstringStatusListEntry(json: entry(["statusMessage": [["status": "0x0", "message": "a"]]])),
                             .invalidEncoding, "one message for 1 bit")
    }

    func testMalformedCredentialsAreRefused() throws {
        var json = try XCTUnwrap(vectors["statusListCredential"]?.objectValue)
        json["type"] = ["VerifiableCredential"]
        XCTAssertStatusError(try BitstringStatusListCredential(json: .object(json)), .invalidToken)
        json = try XCTUnwrap(vectors["statusListCredential"]?.objectValue)
        json["validFrom"] = "yesterday"
        XCTAssertStatusError(try BitstringStatusListCredential(json: .object(json)), .invalidToken)
    }
}
