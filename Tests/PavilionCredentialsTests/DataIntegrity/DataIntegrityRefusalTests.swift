import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import XCTest

final class DataIntegrityRefusalTests: XCTestCase {
    let clock = FixedCredentialClock(unixTime: 1_700_000_000)

    private func secured(_ suite: DataIntegrityCryptosuite = .eddsaJcs2022, signer: MemorySigner? = nil,
                         created: Date? = Date(timeIntervalSince1970: 1_699_999_000), expires: Date? = nil) throws -> (JSONValue, MemorySigner) {
        let signer = try signer ?? MemorySigner.generate(suite == .eddsaJcs2022 ? .edDSA : .es256)
        let document = try VCDIFixtures.json("eddsa-jcs-2022/unsigned.json")
        let options = DataIntegrityProofOptions(cryptosuite: suite, created: created, expires: expires)
        return (try DataIntegrity.addProof(to: document, options: options, signer: signer), signer)
    }

    private func changing(_ value: JSONValue, _ change: (inout [String: JSONValue]) -> Void) -> JSONValue {
        var members = value.objectValue ?? [:]
        change(&members)
        return .object(members)
    }

    private func changingProof(_ value: JSONValue, _ change: (inout [String: JSONValue]) -> Void) -> JSONValue {
        changing(value) { document in
            var proof = document["proof"]?.objectValue ?? [:]
            change(&proof)
            document["proof"] = .object(proof)
        }
    }

    private func assertRefused(_ document: JSONValue, _ code: DataIntegrityError.Code, _ message: String = "",
                               options: DataIntegrityVerificationOptions = DataIntegrityVerificationOptions(),
                               file: StaticString = #filePath, line: UInt = #line) async {
        do {
            _ = try await DataIntegrity.verify(document, resolver: DIDResolver(), options: options, clock: clock)
            XCTFail("expected \(code): \(message)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.code, code, "\(message) — \(error)", file: file, line: line)
        }
    }

    func testFreshProofsVerifyOnBothSuites() async throws {
        for suite in DataIntegrityCryptosuite.allCases {
            let (document, _) = try secured(suite)
            _ = try await DataIntegrity.verify(document, resolver: DIDResolver(), clock: clock)
        }
        let (p384, _) = try secured(.ecdsaJcs2019, signer: MemorySigner.generate(.es384))
        _ = try await DataIntegrity.verify(p384, resolver: DIDResolver(), clock: clock)
    }

    func testTamperedDocumentsAreRefused() async throws {
        for suite in DataIntegrityCryptosuite.allCases {
            let (document, _) = try secured(suite)
            await assertRefused(changing(document) { $0["name"] = "Forged Credential" }, .badSignature, "changed member")
            await assertRefused(changing(document) { $0["extra"] = true }, .badSignature, "added member")
            await assertRefused(changingProof(document) { $0["created"] = "2023-11-14T22:00:00Z" }, .badSignature, "changed proof option")
            await assertRefused(changing(document) { $0["@context"] = ["https://www.w3.org/ns/credentials/v2"] }, .contextMismatch)
        }
    }

    func testWrongCryptosuiteIsRefused() async throws {
        let (document, _) = try secured(.eddsaJcs2022)
        await assertRefused(changingProof(document) { $0["cryptosuite"] = "ecdsa-jcs-2019" }, .keyMismatch, "Ed25519 key under the ECDSA suite")
        await assertRefused(changingProof(document) { $0["cryptosuite"] = "eddsa-rdfc-2022" }, .unsupportedCryptosuite)
        await assertRefused(changingProof(document) { $0["type"] = "Ed25519Signature2020" }, .unsupportedCryptosuite)
        XCTAssertThrowsError(try DataIntegrity.addProof(to: ["a": 1], options: DataIntegrityProofOptions(cryptosuite: .ecdsaJcs2019, created: nil),
                                                        signer: MemorySigner.generate(.edDSA))) { error in
            XCTAssertEqual((error as? DataIntegrityError)?.code, .keyMismatch)
        }
    }

    func testProofPurposeMismatchIsRefused() async throws {
        let (document, _) = try secured()
        await assertRefused(document, .proofPurposeMismatch, options: DataIntegrityVerificationOptions(expectedProofPurpose: "authentication"))
        await assertRefused(changingProof(document) { $0["proofPurpose"] = "authentication" }, .proofPurposeMismatch)
    }

    func testProofsCreatedInTheFutureOrExpiredAreRefused() async throws {
        let (future, _) = try secured(created: clock.now.addingTimeInterval(3600))
        await assertRefused(future, .createdInFuture)
        let (skewed, _) = try secured(created: clock.now.addingTimeInterval(30))
        _ = try await DataIntegrity.verify(skewed, resolver: DIDResolver(), clock: clock)
        let (expired, _) = try secured(expires: clock.now.addingTimeInterval(-1))
        await assertRefused(expired, .proofExpired)
        let (badDate, _) = try secured()
        await assertRefused(changingProof(badDate) { $0["created"] = "2023-02-24 23:36:38" }, .invalidCreated)
    }

    func testAnotherKeysVerificationMethodIsRefused() async throws {
        let (document, _) = try secured()
        let other = try DIDKey.verificationMethodID(for: MemorySigner.generate(.edDSA).jwk)
        await assertRefused(changingProof(document) { $0["verificationMethod"] = .string(other) }, .badSignature)
        await assertRefused(changingProof(document) { $0["verificationMethod"] = "did:example:123#key" }, .keyResolutionFailed)
    }

    func testMalformedProofsAreRefused() async throws {
        let (document, _) = try secured()
        await assertRefused(changing(document) { $0["proof"] = nil }, .malformedProof, "no proof")
        await assertRefused(changing(document) { $0["proof"] = .array([$0["proof"] ?? .null]) }, .malformedProof, "proof set")
        await assertRefused(changingProof(document) { $0["proofValue"] = nil }, .malformedProof)
        await assertRefused(changingProof(document) { $0["proofValue"] = 5 }, .malformedProof)
        let value = document["proof"]?["proofValue"]?.stringValue ?? ""
        await assertRefused(changingProof(document) { $0["proofValue"] = .string("u" + value.dropFirst()) }, .malformedProofValue)
        await assertRefused(changingProof(document) { $0["proofValue"] = .string(String(value.dropLast(4))) }, .malformedProofValue)
        XCTAssertThrowsError(try DataIntegrity.verify(["proof": "x"], publicKey: MemorySigner.generate(.edDSA).jwk, clock: clock))
        XCTAssertThrowsError(try DataIntegrity.verify("not an object", publicKey: MemorySigner.generate(.edDSA).jwk, clock: clock))
    }

    func testDomainAndChallengeMustMatchWhenExpected() async throws {
        let signer = try MemorySigner.generate(.es256)
        let options = DataIntegrityProofOptions(cryptosuite: .ecdsaJcs2019, proofPurpose: "authentication", created: nil,
                                                domain: "verifier.example", challenge: "n-0S6_WzA2Mj")
        let document = try DataIntegrity.addProof(to: ["id": "urn:example:1"], options: options, signer: signer)
        var expect = DataIntegrityVerificationOptions(expectedProofPurpose: "authentication", expectedDomain: "verifier.example",
                                                      expectedChallenge: "n-0S6_WzA2Mj")
        _ = try await DataIntegrity.verify(document, resolver: DIDResolver(), options: expect, clock: clock)
        expect.expectedChallenge = "another"
        await assertRefused(document, .domainOrChallengeMismatch, options: expect)
    }
}
