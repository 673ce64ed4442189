import PavilionCrypto
@testable import PavilionPrivacy
import XCTest

/// "Age at least N on day D" over a Pedersen commitment to the birth day:
/// honest proofs verify; a younger holder cannot prove; altered proofs,
/// other statements, other commitments and other contexts are refused.
final class CommittedDatePredicateTests: XCTestCase {
    private let parameters = try! ZKParameters.p256()

    func testDayNumbersAndCutoffs() throws {
        XCTAssertEqual(try CommittedDatePredicate.dayNumber("1900-01-01"), 0)
        XCTAssertEqual(try CommittedDatePredicate.dayNumber("1970-01-01"), 25_567)
        XCTAssertEqual(try CommittedDatePredicate.dayNumber("2000-03-01") - CommittedDatePredicate.dayNumber("2000-02-28"), 2)
        XCTAssertEqual(try CommittedDatePredicate.cutoff(years: 18, on: "2026-11-25"), try CommittedDatePredicate.dayNumber("2008-11-25"))
        XCTAssertEqual(try CommittedDatePredicate.cutoff(years: 1, on: "2024-02-29"), try CommittedDatePredicate.dayNumber("2023-02-28"))
        for bad in ["1899-12-31", "2026-02-30", "2026-13-01", "26-11-25", "2026-11-25T00:00", "", "２０２６-11-25", "2026-1-05"] {
            XCTAssertThrowsError(try CommittedDatePredicate.dayNumber(bad), bad)
        }
        XCTAssertThrowsError(try CommittedDatePredicate.cutoff(years: 151, on: "2026-11-25"))
        XCTAssertThrowsError(try CommittedDatePredicate.cutoff(years: 130, on: "2026-11-25"))
    }

    func testAnAdultProvesTheAgeWithoutTheDate() throws {
        let birth = try CommittedDatePredicate.dayNumber("2008-11-25")   // 18 exactly on 2026-11-25
        let (commitment, opening) = try PedersenCommitment.commit(birth, parameters: parameters)
        let context = CommittedDatePredicate.context(nonce: Array("nonce-1".utf8), audience: "acme")
        let proof = try CommittedDatePredicate.prove(value: birth, blinding: opening.blinding, commitment: commitment, years: 18,
                                                     on: "2026-11-25", context: context, parameters: parameters)
        XCTAssertNoThrow(try CommittedDatePredicate.verify(proof, commitment: commitment, years: 18, on: "2026-11-25", context: context,
                                                           parameters: parameters))
        XCTAssertEqual(try proof.serialized().count, 1 + RangeProof.bytesPerBit * CommittedDatePredicate.bits)

        // Wrong statements: a higher age, a later birthday cutoff, another commitment, another context.
        XCTAssertThrowsError(try CommittedDatePredicate.verify(proof, commitment: commitment, years: 21, on: "2026-11-25",
                                                               context: context, parameters: parameters))
        XCTAssertThrowsError(try CommittedDatePredicate.verify(proof, commitment: commitment, years: 18, on: "2026-11-24",
                                                               context: context, parameters: parameters))
        let (other, _) = try PedersenCommitment.commit(birth, parameters: parameters)
        XCTAssertThrowsError(try CommittedDatePredicate.verify(proof, commitment: other, years: 18, on: "2026-11-25",
                                                               context: context, parameters: parameters))
        let replayed = CommittedDatePredicate.context(nonce: Array("nonce-2".utf8), audience: "acme")
        XCTAssertThrowsError(try CommittedDatePredicate.verify(proof, commitment: commitment, years: 18, on: "2026-11-25",
                                                               context: replayed, parameters: parameters))

        // A flipped byte anywhere in the proof is refused.
        let bytes = try proof.serialized()
        for index in stride(from: 1, to: bytes.count, by: 97) {
            var tampered = bytes
            tampered[index] ^= 0x01
            if let altered = try? RangeProof(serialized: tampered, parameters: parameters) {
                XCTAssertThrowsError(try CommittedDatePredicate.verify(altered, commitment: commitment, years: 18, on: "2026-11-25",
                                                                       context: context, parameters: parameters), "byte \(index)")
            }
        }
    }

    func testAMinorCannotProve() throws {
        let birth = try CommittedDatePredicate.dayNumber("2008-11-26")   // one day short of 18
        let (commitment, opening) = try PedersenCommitment.commit(birth, parameters: parameters)
        let context = CommittedDatePredicate.context(nonce: [1, 2, 3], audience: "acme")
        XCTAssertThrowsError(try CommittedDatePredicate.prove(value: birth, blinding: opening.blinding, commitment: commitment, years: 18,
                                                              on: "2026-11-25", context: context, parameters: parameters)) {
            XCTAssertEqual(($0 as? ZKError)?.code, .valueOutOfRange)
        }
        // Claiming an older date with the same commitment does not open it.
        let older = try CommittedDatePredicate.dayNumber("2000-01-01")
        XCTAssertThrowsError(try CommittedDatePredicate.prove(value: older, blinding: opening.blinding, commitment: commitment, years: 18,
                                                              on: "2026-11-25", context: context, parameters: parameters))
    }
}
