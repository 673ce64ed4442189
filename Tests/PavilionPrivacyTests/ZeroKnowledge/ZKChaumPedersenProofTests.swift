import PavilionCrypto
import PavilionPrivacy
import XCTest

/// DLEQ (Chaum–Pedersen): honest proofs verify; altered parts, unequal logs
/// and replays are refused.
final class ZKChaumPedersenProofTests: XCTestCase {
    private typealias S = ZKTestSupport

    private func fixture() throws -> (ZKParameters, DiscreteLogStatement, DiscreteLogStatement, ECScalar) {
        let parameters = try ZKParameters.p256()
        let x = try ECScalar.random(in: parameters.group)
        let first = DiscreteLogStatement(base: parameters.g, point: try parameters.g.multiplied(by: x))
        let second = DiscreteLogStatement(base: parameters.h, point: try parameters.h.multiplied(by: x))
        return (parameters, first, second, x)
    }

    func testHonestProofVerifiesAndRoundTrips() throws {
        let (parameters, first, second, x) = try fixture()
        let proof = try ChaumPedersenProof.prove(first, second, witness: x, context: S.context, parameters: parameters)
        XCTAssertNoThrow(try proof.verify(first, second, context: S.context, parameters: parameters))
        let bytes = try proof.serialized()
        XCTAssertEqual(bytes.count, 98)
        XCTAssertEqual(try ChaumPedersenProof(serialized: bytes, parameters: parameters), proof)
        for bad in [Array(bytes.dropLast()), bytes + [1], Array(bytes.prefix(66)) + S.scalarAboveOrder, [UInt8]()] {
            S.assertCode(.invalidEncoding, "\(bad.count) bytes") { _ = try ChaumPedersenProof(serialized: bad, parameters: parameters) }
        }
    }

    func testAlteredPartsAreRefused() throws {
        let (parameters, first, second, x) = try fixture()
        let p = try ChaumPedersenProof.prove(first, second, witness: x, context: S.context, parameters: parameters)
        let altered = [
            ChaumPedersenProof(firstCommitment: try S.randomPoint(parameters), secondCommitment: p.secondCommitment, response: p.response),
            ChaumPedersenProof(firstCommitment: p.firstCommitment, secondCommitment: try S.randomPoint(parameters), response: p.response),
            ChaumPedersenProof(firstCommitment: p.firstCommitment, secondCommitment: p.secondCommitment, response: try S.plusOne(p.response)),
        ]
        for (i, proof) in altered.enumerated() {
            S.assertCode(.verificationFailed, "alteration \(i)") { try proof.verify(first, second, context: S.context, parameters: parameters) }
        }
    }

    func testUnequalLogsAndReplaysAreRefused() throws {
        let (parameters, first, second, x) = try fixture()
        let proof = try ChaumPedersenProof.prove(first, second, witness: x, context: S.context, parameters: parameters)
        let y = try S.plusOne(x)
        let unequal = DiscreteLogStatement(base: parameters.h, point: try parameters.h.multiplied(by: y))
        S.assertCode(.verificationFailed, "other Y") { try proof.verify(first, unequal, context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "swapped") { try proof.verify(second, first, context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "replay") { try proof.verify(first, second, context: S.otherContext, parameters: parameters) }
        S.assertCode(.witnessMismatch, "prover with unequal logs") {
            _ = try ChaumPedersenProof.prove(first, unequal, witness: x, context: S.context, parameters: parameters)
        }
    }
}
