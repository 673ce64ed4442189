import PavilionCrypto
import PavilionPrivacy
import XCTest

/// AND (shared challenge) and OR (CDS) composition.
final class ZKCompositionTests: XCTestCase {
    private typealias S = ZKTestSupport

    private func statement(_ parameters: ZKParameters, base: ECPoint) throws -> (DiscreteLogStatement, ECScalar) {
        let x = try ECScalar.random(in: parameters.group)
        return (DiscreteLogStatement(base: base, point: try base.multiplied(by: x)), x)
    }

    func testORProofVerifiesWhicheverBranchIsKnown() throws {
        let parameters = try ZKParameters.p256()
        let (a, x) = try statement(parameters, base: parameters.g)
        let (b, y) = try statement(parameters, base: parameters.h)
        let first = try DiscreteLogORProof.prove((a, b), known: 0, witness: x, context: S.context, parameters: parameters)
        let second = try DiscreteLogORProof.prove((a, b), known: 1, witness: y, context: S.context, parameters: parameters)
        XCTAssertNoThrow(try first.verify((a, b), context: S.context, parameters: parameters))
        XCTAssertNoThrow(try second.verify((a, b), context: S.context, parameters: parameters))
        let bytes = try first.serialized()
        XCTAssertEqual(bytes.count, 162)
        XCTAssertEqual(try DiscreteLogORProof(serialized: bytes, parameters: parameters), first)
        for bad in [Array(bytes.dropLast()), bytes + [0], Array(bytes.prefix(66)) + S.scalarAboveOrder + Array(bytes.suffix(64))] {
            S.assertCode(.invalidEncoding, "\(bad.count) bytes") { _ = try DiscreteLogORProof(serialized: bad, parameters: parameters) }
        }
    }

    func testORProverRefusesWithoutAWitness() throws {
        let parameters = try ZKParameters.p256()
        let (a, x) = try statement(parameters, base: parameters.g)
        let (b, _) = try statement(parameters, base: parameters.h)
        S.assertCode(.witnessMismatch, "x is not b's") {
            _ = try DiscreteLogORProof.prove((a, b), known: 1, witness: x, context: S.context, parameters: parameters)
        }
        S.assertCode(.witnessMismatch, "branch 2") {
            _ = try DiscreteLogORProof.prove((a, b), known: 2, witness: x, context: S.context, parameters: parameters)
        }
    }

    func testAlteredORProofsWrongStatementsAndReplaysAreRefused() throws {
        let parameters = try ZKParameters.p256()
        let (a, x) = try statement(parameters, base: parameters.g)
        let (b, _) = try statement(parameters, base: parameters.h)
        let p = try DiscreteLogORProof.prove((a, b), known: 0, witness: x, context: S.context, parameters: parameters)
        let altered = [
            DiscreteLogORProof(commitments: (try S.randomPoint(parameters), p.commitments.1), firstChallenge: p.firstChallenge, responses: p.responses),
            DiscreteLogORProof(commitments: (p.commitments.0, try S.randomPoint(parameters)), firstChallenge: p.firstChallenge, responses: p.responses),
            DiscreteLogORProof(commitments: p.commitments, firstChallenge: try S.plusOne(p.firstChallenge), responses: p.responses),
            DiscreteLogORProof(commitments: p.commitments, firstChallenge: p.firstChallenge, responses: (try S.plusOne(p.responses.0), p.responses.1)),
            DiscreteLogORProof(commitments: p.commitments, firstChallenge: p.firstChallenge, responses: (p.responses.0, try S.plusOne(p.responses.1))),
        ]
        for (i, proof) in altered.enumerated() {
            S.assertCode(.verificationFailed, "alteration \(i)") { try proof.verify((a, b), context: S.context, parameters: parameters) }
        }
        let (c, _) = try statement(parameters, base: parameters.h)
        S.assertCode(.verificationFailed, "other statement") { try p.verify((a, c), context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "swapped") { try p.verify((b, a), context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "replay") { try p.verify((a, b), context: S.otherContext, parameters: parameters) }
    }

    func testANDProofVerifiesAndRefusesTampering() throws {
        let parameters = try ZKParameters.p256()
        let (a, x) = try statement(parameters, base: parameters.g)
        let (b, y) = try statement(parameters, base: parameters.h)
        let p = try SchnorrANDProof.prove([a, b], witnesses: [x, y], context: S.context, parameters: parameters)
        XCTAssertNoThrow(try p.verify([a, b], context: S.context, parameters: parameters))
        let bytes = try p.serialized()
        XCTAssertEqual(bytes.count, 2 + 2 * 65)
        XCTAssertEqual(try SchnorrANDProof(serialized: bytes, parameters: parameters), p)
        let malformed: [[UInt8]] = [[0, 0], Array(bytes.dropLast()), bytes + [0], [0, 3] + Array(bytes.dropFirst(2))]
        for bad in malformed {
            S.assertCode(.invalidEncoding, "\(bad.prefix(2)) \(bad.count) bytes") { _ = try SchnorrANDProof(serialized: bad, parameters: parameters) }
        }
        let alteredR = SchnorrANDProof(commitments: [p.commitments[0], try S.randomPoint(parameters)], responses: p.responses)
        let alteredS = SchnorrANDProof(commitments: p.commitments, responses: [try S.plusOne(p.responses[0]), p.responses[1]])
        S.assertCode(.verificationFailed, "altered R") { try alteredR.verify([a, b], context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "altered s") { try alteredS.verify([a, b], context: S.context, parameters: parameters) }
        let (c, _) = try statement(parameters, base: parameters.h)
        S.assertCode(.verificationFailed, "other statement") { try p.verify([a, c], context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "one statement dropped") { try p.verify([a], context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "replay") { try p.verify([a, b], context: S.otherContext, parameters: parameters) }
        S.assertCode(.witnessMismatch, "prover missing a witness") {
            _ = try SchnorrANDProof.prove([a, b], witnesses: [x, x], context: S.context, parameters: parameters)
        }
    }
}
