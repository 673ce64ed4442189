import PavilionCrypto
import PavilionPrivacy
import XCTest

/// Schnorr proof of knowledge: honest proofs verify; altered parts, other
/// statements and replays under another context are refused.
final class ZKSchnorrProofTests: XCTestCase {
    private typealias S = ZKTestSupport

    private func fixture() throws -> (ZKParameters, DiscreteLogStatement, ECScalar) {
        let parameters = try ZKParameters.p256()
        let x = try ECScalar.random(in: parameters.group)
        let statement = DiscreteLogStatement(base: parameters.g, point: try parameters.group.generatorMultiplied(by: x))
        return (parameters, statement, x)
    }

    func testHonestProofVerifies() throws {
        let (parameters, statement, x) = try fixture()
        let proof = try SchnorrProof.prove(statement, witness: x, context: S.context, parameters: parameters)
        XCTAssertNoThrow(try proof.verify(statement, context: S.context, parameters: parameters))
    }

    func testProofOnAnotherBaseVerifies() throws {
        let (parameters, _, x) = try fixture()
        let statement = DiscreteLogStatement(base: parameters.h, point: try parameters.h.multiplied(by: x))
        let proof = try SchnorrProof.prove(statement, witness: x, context: S.context, parameters: parameters)
        XCTAssertNoThrow(try proof.verify(statement, context: S.context, parameters: parameters))
    }

    func testAlteredCommitmentAndResponseAreRefused() throws {
        let (parameters, statement, x) = try fixture()
        let proof = try SchnorrProof.prove(statement, witness: x, context: S.context, parameters: parameters)
        let alteredR = SchnorrProof(commitment: try S.randomPoint(parameters), response: proof.response)
        let alteredS = SchnorrProof(commitment: proof.commitment, response: try S.plusOne(proof.response))
        S.assertCode(.verificationFailed, "altered R") { try alteredR.verify(statement, context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "altered s") { try alteredS.verify(statement, context: S.context, parameters: parameters) }
    }

    func testOtherStatementIsRefused() throws {
        let (parameters, statement, x) = try fixture()
        let proof = try SchnorrProof.prove(statement, witness: x, context: S.context, parameters: parameters)
        let other = DiscreteLogStatement(base: parameters.g, point: try S.randomPoint(parameters))
        S.assertCode(.verificationFailed, "other X") { try proof.verify(other, context: S.context, parameters: parameters) }
        let otherBase = DiscreteLogStatement(base: parameters.h, point: statement.point)
        S.assertCode(.verificationFailed, "other base") { try proof.verify(otherBase, context: S.context, parameters: parameters) }
    }

    func testReplayUnderAnotherContextIsRefused() throws {
        let (parameters, statement, x) = try fixture()
        let proof = try SchnorrProof.prove(statement, witness: x, context: S.context, parameters: parameters)
        S.assertCode(.verificationFailed, "replay") { try proof.verify(statement, context: S.otherContext, parameters: parameters) }
        S.assertCode(.verificationFailed, "empty context") { try proof.verify(statement, context: [], parameters: parameters) }
    }

    func testProverRefusesAWrongWitness() throws {
        let (parameters, statement, x) = try fixture()
        S.assertCode(.witnessMismatch, "x + 1") {
            _ = try SchnorrProof.prove(statement, witness: try S.plusOne(x), context: S.context, parameters: parameters)
        }
    }

    func testSerialisationRoundTripsAndRefusesMalformedBytes() throws {
        let (parameters, statement, x) = try fixture()
        let proof = try SchnorrProof.prove(statement, witness: x, context: S.context, parameters: parameters)
        let bytes = try proof.serialized()
        XCTAssertEqual(bytes.count, 65)
        let decoded = try SchnorrProof(serialized: bytes, parameters: parameters)
        XCTAssertEqual(decoded, proof)
        XCTAssertNoThrow(try decoded.verify(statement, context: S.context, parameters: parameters))
        let sBytes = Array(bytes.suffix(32))
        for bad in try S.badPoints(parameters) {
            S.assertCode(.invalidEncoding, "point \(bad.count) bytes") { _ = try SchnorrProof(serialized: bad + sBytes, parameters: parameters) }
        }
        let malformed: [[UInt8]] = [[], Array(bytes.dropLast()), bytes + [0], Array(bytes.prefix(33)) + S.scalarAboveOrder]
        for bad in malformed {
            S.assertCode(.invalidEncoding, "\(bad.count) bytes") { _ = try SchnorrProof(serialized: bad, parameters: parameters) }
        }
    }

    func testChallengeDependsOnEveryTranscriptRecord() throws {
        let parameters = try ZKParameters.p256()
        var a = ZKTranscript(protocolLabel: "p", context: [1, 2])
        var b = ZKTranscript(protocolLabel: "p", context: [1])
        a.append("m", bytes: [3])
        b.append("m", bytes: [2, 3])
        // Same concatenated payload, different split: the length prefixes keep them apart.
        XCTAssertNotEqual(try a.challenge(in: parameters.group), try b.challenge(in: parameters.group))
        let c = ZKTranscript(protocolLabel: "q", context: [1, 2])
        XCTAssertNotEqual(try ZKTranscript(protocolLabel: "p", context: [1, 2]).challenge(in: parameters.group),
                          try c.challenge(in: parameters.group))
    }
}
