import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import XCTest

/// The W3C vc-di-ecdsa and vc-di-eddsa JCS test vectors, every intermediate value.
final class DataIntegrityVectorTests: XCTestCase {
    struct Vector {
        let folder: String
        let suffix: String
        let keyPair: String
        let secretMember: String
        let digest: DigestAlgorithm
    }

    let vectors = [
        Vector(folder: "ecdsa-jcs-2019-p256", suffix: "JCSECDSAP256", keyPair: "p256KeyPair.json", secretMember: "secretKeyMultibase", digest: .sha256),
        Vector(folder: "ecdsa-jcs-2019-p384", suffix: "JCSECDSAP384", keyPair: "p384KeyPair.json", secretMember: "secretKeyMultibase", digest: .sha384),
        Vector(folder: "eddsa-jcs-2022", suffix: "JCS", keyPair: "keyPair.json", secretMember: "privateKeyMultibase", digest: .sha256),
    ]
    let clock = FixedCredentialClock(unixTime: 1_700_000_000)  // 2023-11-14, after the vectors' created

    private func privateKey(_ v: Vector) throws -> JWK {
        let pair = try VCDIFixtures.json("\(v.folder)/\(v.keyPair)")
        let publicKey = try Multikey(multibase: try XCTUnwrap(pair["publicKeyMultibase"]?.stringValue))
        return try Multikey.privateJWK(secretKeyMultibase: try XCTUnwrap(pair[v.secretMember]?.stringValue), publicKey: publicKey)
    }

    func testIntermediateValuesMatch() throws {
        for v in vectors {
            let unsigned = try VCDIFixtures.json("\(v.folder)/unsigned.json")
            let config = try XCTUnwrap(try VCDIFixtures.json("\(v.folder)/proofConfig\(v.suffix).json").objectValue)
            let canonDoc = try VCDIFixtures.text("\(v.folder)/canonDoc\(v.suffix).txt")
            let proofCanon = try VCDIFixtures.text("\(v.folder)/proofCanon\(v.suffix).txt")
            XCTAssertEqual(try JCS.canonicalString(unsigned), canonDoc, v.folder)
            XCTAssertEqual(try JCS.canonicalString(.object(config)), proofCanon, v.folder)
            XCTAssertEqual(Hex.encode(v.digest.hash(Array(canonDoc.utf8))), try VCDIFixtures.text("\(v.folder)/docHash\(v.suffix).txt"), v.folder)
            XCTAssertEqual(Hex.encode(v.digest.hash(Array(proofCanon.utf8))), try VCDIFixtures.text("\(v.folder)/proofHash\(v.suffix).txt"), v.folder)
            let hashData = try DataIntegrity.hashData(document: unsigned, proofConfiguration: config, digest: v.digest)
            XCTAssertEqual(Hex.encode(hashData), try VCDIFixtures.text("\(v.folder)/combinedHash\(v.suffix).txt"), v.folder)
            let proofValue = try VCDIFixtures.text("\(v.folder)/sigBTC58\(v.suffix).txt")
            XCTAssertEqual(Hex.encode(try Base58BTC.decodeMultibase(proofValue)), try VCDIFixtures.text("\(v.folder)/sigHex\(v.suffix).txt"), v.folder)
            let signed = try VCDIFixtures.json("\(v.folder)/signed\(v.suffix).json")
            XCTAssertEqual(signed["proof"]?["proofValue"]?.stringValue, proofValue, v.folder)
            // The vector's key pair belongs to the vector's verification method.
            XCTAssertEqual(try DIDKey.verificationMethodID(for: privateKey(v)), config["verificationMethod"]?.stringValue, v.folder)
        }
    }

    func testSignedVectorsVerifyThroughDIDKey() async throws {
        for v in vectors {
            let signed = try VCDIFixtures.json("\(v.folder)/signed\(v.suffix).json")
            let verified = try await DataIntegrity.verify(signed, resolver: DIDResolver(), clock: clock)
            XCTAssertEqual(verified.document, try VCDIFixtures.json("\(v.folder)/unsigned.json"), v.folder)
            XCTAssertEqual(verified.proof.created, DateTimeStamp.parse("2023-02-24T23:36:38Z"))
        }
    }

    func testEd25519ProofIsReproducedByteForByte() throws {
        let v = vectors[2]
        let signer = try MemorySigner(privateKey(v))
        let config = try VCDIFixtures.json("\(v.folder)/proofConfig\(v.suffix).json")
        let options = DataIntegrityProofOptions(cryptosuite: .eddsaJcs2022, verificationMethod: config["verificationMethod"]?.stringValue,
                                                created: DateTimeStamp.parse("2023-02-24T23:36:38Z"))
        let secured = try DataIntegrity.addProof(to: VCDIFixtures.json("\(v.folder)/unsigned.json"), options: options, signer: signer)
        XCTAssertEqual(secured, try VCDIFixtures.json("\(v.folder)/signed\(v.suffix).json"))
        XCTAssertEqual(secured["proof"]?["proofValue"]?.stringValue, try VCDIFixtures.text("\(v.folder)/sigBTC58\(v.suffix).txt"))
    }

    func testECDSAProofsWithTheVectorKeysVerify() async throws {
        for v in vectors.prefix(2) {
            let signer = try MemorySigner(privateKey(v))
            let options = DataIntegrityProofOptions(cryptosuite: .ecdsaJcs2019, created: DateTimeStamp.parse("2023-02-24T23:36:38Z"))
            let secured = try DataIntegrity.addProof(to: VCDIFixtures.json("\(v.folder)/unsigned.json"), options: options, signer: signer)
            // Same configuration as the vector (the default verification method is the signer's did:key),
            // so everything but the randomised signature matches.
            var proof = try XCTUnwrap(secured["proof"]?.objectValue)
            XCTAssertNotNil(proof.removeValue(forKey: "proofValue"))
            XCTAssertEqual(JSONValue.object(proof), try VCDIFixtures.json("\(v.folder)/proofConfig\(v.suffix).json"), v.folder)
            _ = try await DataIntegrity.verify(secured, resolver: DIDResolver(), clock: clock)
        }
    }
}
