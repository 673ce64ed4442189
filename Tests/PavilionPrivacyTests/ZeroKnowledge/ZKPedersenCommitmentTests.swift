import PavilionCrypto
import PavilionPrivacy
import XCTest

/// Pedersen commitments and the proof of knowledge of an opening.
final class ZKPedersenCommitmentTests: XCTestCase {
    private typealias S = ZKTestSupport

    func testSecondGeneratorIsFixedAndNotG() throws {
        let parameters = try ZKParameters.p256()
        XCTAssertNotEqual(parameters.h, parameters.g)
        XCTAssertEqual(try ZKParameters.p256().h, parameters.h)
        XCTAssertEqual(ZKParameters.pedersenDST, "Pavilion-ZK-v1-Pedersen-H")
    }

    func testCommitOpenAndHomomorphicAdd() throws {
        let parameters = try ZKParameters.p256()
        let (c1, o1) = try PedersenCommitment.commit(UInt64(17), parameters: parameters)
        let (c2, o2) = try PedersenCommitment.commit(UInt64(25), parameters: parameters)
        XCTAssertNoThrow(try c1.verify(opening: o1, parameters: parameters))
        S.assertCode(.openingMismatch, "other opening") { try c1.verify(opening: o2, parameters: parameters) }
        let sum = try c1.adding(c2)
        let opening = try o1.adding(o2)
        XCTAssertEqual(opening.value, try ECScalar(42, in: parameters.group))
        XCTAssertNoThrow(try sum.verify(opening: opening, parameters: parameters))
        let shifted = try c1.subtracting(value: ECScalar(17, in: parameters.group), parameters: parameters)
        XCTAssertNoThrow(try shifted.verify(opening: PedersenOpening(value: ECScalar(0, in: parameters.group), blinding: o1.blinding),
                                            parameters: parameters))
    }

    func testCommitmentsHideEqualValues() throws {
        let parameters = try ZKParameters.p256()
        XCTAssertNotEqual(try PedersenCommitment.commit(UInt64(7), parameters: parameters).0,
                          try PedersenCommitment.commit(UInt64(7), parameters: parameters).0)
    }

    func testCommitmentSerialisationRoundTripsAndRefusesMalformedBytes() throws {
        let parameters = try ZKParameters.p256()
        let (c, _) = try PedersenCommitment.commit(UInt64(3), parameters: parameters)
        let bytes = try c.serialized()
        XCTAssertEqual(bytes.count, 33)
        XCTAssertEqual(try PedersenCommitment(serialized: bytes, parameters: parameters), c)
        for bad in try S.badPoints(parameters) {
            S.assertCode(.invalidEncoding, "\(bad)") { _ = try PedersenCommitment(serialized: bad, parameters: parameters) }
        }
    }

    func testOpeningProofVerifiesAndRefusesTampering() throws {
        let parameters = try ZKParameters.p256()
        let (c, o) = try PedersenCommitment.commit(UInt64(1990), parameters: parameters)
        let p = try PedersenOpeningProof.prove(c, opening: o, context: S.context, parameters: parameters)
        XCTAssertNoThrow(try p.verify(c, context: S.context, parameters: parameters))
        let bytes = try p.serialized()
        XCTAssertEqual(bytes.count, 97)
        XCTAssertEqual(try PedersenOpeningProof(serialized: bytes, parameters: parameters), p)
        S.assertCode(.invalidEncoding, "truncated") { _ = try PedersenOpeningProof(serialized: Array(bytes.dropLast()), parameters: parameters) }
        S.assertCode(.invalidEncoding, "sr ≥ n") {
            _ = try PedersenOpeningProof(serialized: Array(bytes.prefix(65)) + S.scalarAboveOrder, parameters: parameters)
        }
        let altered = [
            PedersenOpeningProof(commitment: try S.randomPoint(parameters), valueResponse: p.valueResponse, blindingResponse: p.blindingResponse),
            PedersenOpeningProof(commitment: p.commitment, valueResponse: try S.plusOne(p.valueResponse), blindingResponse: p.blindingResponse),
            PedersenOpeningProof(commitment: p.commitment, valueResponse: p.valueResponse, blindingResponse: try S.plusOne(p.blindingResponse)),
        ]
        for (i, proof) in altered.enumerated() {
            S.assertCode(.verificationFailed, "alteration \(i)") { try proof.verify(c, context: S.context, parameters: parameters) }
        }
        let (other, _) = try PedersenCommitment.commit(UInt64(1990), parameters: parameters)
        S.assertCode(.verificationFailed, "other C") { try p.verify(other, context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "replay") { try p.verify(c, context: S.otherContext, parameters: parameters) }
        S.assertCode(.witnessMismatch, "prover with another opening") {
            _ = try PedersenOpeningProof.prove(other, opening: o, context: S.context, parameters: parameters)
        }
    }
}
