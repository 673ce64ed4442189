import Foundation
import PavilionCrypto
import PavilionPrivacy
import XCTest

/// Range proofs by bit decomposition, and the `v ≥ t` predicate built on them.
final class ZKRangeProofTests: XCTestCase {
    private typealias S = ZKTestSupport

    func testHonestProofsVerifyAtTheEdgesOfTheRange() throws {
        let parameters = try ZKParameters.p256()
        for (value, bits) in [(UInt64(0), 8), (255, 8), (1, 1), (0, 1), (40_000, 16), (UInt64.max, 64)] {
            let (c, o) = try PedersenCommitment.commit(value, parameters: parameters)
            let proof = try RangeProof.prove(value: value, blinding: o.blinding, commitment: c, bits: bits, context: S.context,
                                             parameters: parameters)
            XCTAssertEqual(proof.bitCount, bits)
            XCTAssertNoThrow(try proof.verify(c, bits: bits, context: S.context, parameters: parameters), "\(value) in \(bits) bits")
        }
    }

    func testProverRefusesValuesOutOfRange() throws {
        let parameters = try ZKParameters.p256()
        let (c, o) = try PedersenCommitment.commit(UInt64(256), parameters: parameters)
        S.assertCode(.valueOutOfRange, "256 in 8 bits") {
            _ = try RangeProof.prove(value: 256, blinding: o.blinding, commitment: c, bits: 8, context: S.context, parameters: parameters)
        }
        S.assertCode(.valueOutOfRange, "k = 0") {
            _ = try RangeProof.prove(value: 0, blinding: o.blinding, commitment: c, bits: 0, context: S.context, parameters: parameters)
        }
        S.assertCode(.valueOutOfRange, "k = 65") {
            _ = try RangeProof.prove(value: 0, blinding: o.blinding, commitment: c, bits: 65, context: S.context, parameters: parameters)
        }
        S.assertCode(.valueOutOfRange, "below threshold") {
            _ = try RangeProof.proveAtLeast(300, value: 256, blinding: o.blinding, commitment: c, bits: 8, context: S.context,
                                            parameters: parameters)
        }
        S.assertCode(.witnessMismatch, "claimed value is not the committed one") {
            _ = try RangeProof.prove(value: 25, blinding: o.blinding, commitment: c, bits: 8, context: S.context, parameters: parameters)
        }
    }

    func testForgedProofForAnOutOfRangeValueDoesNotVerify() throws {
        let parameters = try ZKParameters.p256()
        // An honest proof that C commits to 0, with its top bit commitment
        // moved by 2·G: Σ 2^i·C_i now equals C + 256·G, a commitment to 256.
        let (c, o) = try PedersenCommitment.commit(UInt64(0), parameters: parameters)
        let honest = try RangeProof.prove(value: 0, blinding: o.blinding, commitment: c, bits: 8, context: S.context, parameters: parameters)
        let two = try ECScalar(2, in: parameters.group)
        var commitments = honest.bitCommitments
        commitments[7] = PedersenCommitment(point: try commitments[7].point.adding(parameters.group.generatorMultiplied(by: two)))
        let forged = RangeProof(bitCommitments: commitments, bitProofs: honest.bitProofs)
        let target = PedersenCommitment(point: try c.point.adding(parameters.group.generatorMultiplied(by: ECScalar(256, in: parameters.group))))
        S.assertCode(.verificationFailed, "forged top bit") { try forged.verify(target, bits: 8, context: S.context, parameters: parameters) }
        // The honest proof itself does not stretch to 256.
        S.assertCode(.verificationFailed, "honest proof, other C") { try honest.verify(target, bits: 8, context: S.context, parameters: parameters) }
    }

    func testAlteredBitProofsWrongStatementsAndReplaysAreRefused() throws {
        let parameters = try ZKParameters.p256()
        let (c, o) = try PedersenCommitment.commit(UInt64(77), parameters: parameters)
        let p = try RangeProof.prove(value: 77, blinding: o.blinding, commitment: c, bits: 8, context: S.context, parameters: parameters)
        var proofs = p.bitProofs
        let b = proofs[3]
        proofs[3] = DiscreteLogORProof(commitments: b.commitments, firstChallenge: try S.plusOne(b.firstChallenge), responses: b.responses)
        let alteredChallenge = RangeProof(bitCommitments: p.bitCommitments, bitProofs: proofs)
        proofs[3] = DiscreteLogORProof(commitments: b.commitments, firstChallenge: b.firstChallenge,
                                       responses: (b.responses.0, try S.plusOne(b.responses.1)))
        let alteredResponse = RangeProof(bitCommitments: p.bitCommitments, bitProofs: proofs)
        proofs[3] = DiscreteLogORProof(commitments: (try S.randomPoint(parameters), b.commitments.1), firstChallenge: b.firstChallenge,
                                       responses: b.responses)
        let alteredCommitment = RangeProof(bitCommitments: p.bitCommitments, bitProofs: proofs)
        let swapped = RangeProof(bitCommitments: p.bitCommitments, bitProofs: Array(p.bitProofs.reversed()))
        for (label, proof) in [("challenge", alteredChallenge), ("response", alteredResponse), ("commitment", alteredCommitment),
                               ("swapped bit proofs", swapped)] {
            S.assertCode(.verificationFailed, label) { try proof.verify(c, bits: 8, context: S.context, parameters: parameters) }
        }
        let (other, _) = try PedersenCommitment.commit(UInt64(77), parameters: parameters)
        S.assertCode(.verificationFailed, "other C") { try p.verify(other, bits: 8, context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "other k") { try p.verify(c, bits: 16, context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "replay") { try p.verify(c, bits: 8, context: S.otherContext, parameters: parameters) }
    }

    func testAtLeastProvesTheThresholdAndNothingMore() throws {
        let parameters = try ZKParameters.p256()
        // An age in days is a convenient stand-in: 7000 ≥ 18·365 = 6570.
        let (c, o) = try PedersenCommitment.commit(UInt64(7000), parameters: parameters)
        let p = try RangeProof.proveAtLeast(6570, value: 7000, blinding: o.blinding, commitment: c, bits: 16, context: S.context,
                                            parameters: parameters)
        XCTAssertNoThrow(try p.verifyAtLeast(6570, commitment: c, bits: 16, context: S.context, parameters: parameters))
        S.assertCode(.verificationFailed, "higher threshold") {
            try p.verifyAtLeast(6600, commitment: c, bits: 16, context: S.context, parameters: parameters)
        }
        S.assertCode(.verificationFailed, "as a plain range proof") { try p.verify(c, bits: 16, context: S.context, parameters: parameters) }
        S.assertCode(.verificationFailed, "replay") {
            try p.verifyAtLeast(6570, commitment: c, bits: 16, context: S.otherContext, parameters: parameters)
        }
    }

    func testSerialisationRoundTripsAndRefusesMalformedBytes() throws {
        let parameters = try ZKParameters.p256()
        let (c, o) = try PedersenCommitment.commit(UInt64(200), parameters: parameters)
        let p = try RangeProof.prove(value: 200, blinding: o.blinding, commitment: c, bits: 8, context: S.context, parameters: parameters)
        let bytes = try p.serialized()
        XCTAssertEqual(bytes.count, 1 + 195 * 8)
        let decoded = try RangeProof(serialized: bytes, parameters: parameters)
        XCTAssertEqual(decoded, p)
        XCTAssertNoThrow(try decoded.verify(c, bits: 8, context: S.context, parameters: parameters))
        var badK0 = bytes; badK0[0] = 0
        var badK65 = bytes; badK65[0] = 65
        var badK9 = bytes; badK9[0] = 9
        var badPoint = bytes; badPoint[1] = 0x04
        var badScalar = bytes
        badScalar.replaceSubrange(100..<132, with: S.scalarAboveOrder)   // c0 of bit 0
        for (label, bad) in [("empty", []), ("k = 0", badK0), ("k = 65", badK65), ("k disagrees with length", badK9),
                             ("truncated", Array(bytes.dropLast())), ("trailing", bytes + [0]), ("uncompressed tag", badPoint),
                             ("scalar ≥ n", badScalar)] as [(String, [UInt8])] {
            S.assertCode(.invalidEncoding, label) { _ = try RangeProof(serialized: bad, parameters: parameters) }
        }
    }

    /// Prints size and time per k for docs/privacy.md; asserts only the sizes.
    func testSizeAndCostForDocumentedBitLengths() throws {
        let parameters = try ZKParameters.p256()
        for bits in [8, 16, 32] {
            let value = (UInt64(1) << UInt64(bits)) - 2
            let (c, o) = try PedersenCommitment.commit(value, parameters: parameters)
            let start = DispatchTime.now().uptimeNanoseconds
            let p = try RangeProof.prove(value: value, blinding: o.blinding, commitment: c, bits: bits, context: S.context, parameters: parameters)
            let proved = DispatchTime.now().uptimeNanoseconds
            try p.verify(c, bits: bits, context: S.context, parameters: parameters)
            let verified = DispatchTime.now().uptimeNanoseconds
            let size = try p.serialized().count
            XCTAssertEqual(size, 1 + RangeProof.bytesPerBit * bits)
            print("ZK range proof k=\(bits): \(size) bytes, prove \(Double(proved - start) / 1e6) ms, verify \(Double(verified - proved) / 1e6) ms")
        }
    }
}
