import PavilionCore
import PavilionCrypto

/// "Born at least N years before day D", proved about a Pedersen commitment
/// to a date of birth without revealing it.
///
/// Encoding: a date is committed as its day number since 1900-01-01
/// (`v`, 0 for that day; earlier dates are refused). For a predicate "age
/// at least `years` on `on`", the cutoff `c` is the day number of `on`
/// minus `years` calendar years (29 February falls back to 28 February).
/// The subject qualifies when `v ≤ c`. With `C = v·G + r·H` from the
/// issuer, the verifier forms `C' = c·G − C = (c − v)·G + (−r)·H` itself,
/// and the holder proves with a ``RangeProof`` that `C'` holds a value in
/// `[0, 2^17)` (2^17 days is about 358 years, so any real age fits and a
/// `v > c`, which would wrap to about `n`, cannot).
///
/// The context binds the proof to the verifier's fresh nonce and its
/// audience, so a proof seen once cannot be presented again.
public enum CommittedDatePredicate {
    /// The range proof's bit length.
    public static let bits = 17
    /// Day number of 1970-01-01 since 1900-01-01.
    static let unixEpochDay: Int64 = 25_567
    /// The domain label of the context.
    public static let contextLabel = "pavilion/zk-presentation/age-at-least/v1"

    /// The day number since 1900-01-01 of `date` (`YYYY-MM-DD`).
    /// - Throws: ``ZKError`` `.invalidEncoding` for a malformed or impossible
    ///   date, or one before 1900-01-01 or after 2999-12-31.
    public static func dayNumber(_ date: String) throws(ZKError) -> UInt64 {
        let parts = date.split(separator: "-", omittingEmptySubsequences: false)
        guard date.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
              (1900...2999).contains(year), (1...12).contains(month), (1...Int64(CivilCalendar.daysIn(month: Int(month), year: Int(year)))).contains(day) else {
            throw ZKError(.invalidEncoding, "'\(date.prefix(16))' is not a date YYYY-MM-DD between 1900-01-01 and 2999-12-31")
        }
        return UInt64(Int64(CivilCalendar.daysFromCivil(year: Int(year), month: Int(month), day: Int(day))) + unixEpochDay)
    }

    /// The latest day number of a birth date that is at least `years` old on `on`.
    /// - Throws: ``ZKError`` `.invalidEncoding` for a bad date, `.valueOutOfRange`
    ///   for `years` outside 0...150 or a cutoff before 1900-01-01.
    public static func cutoff(years: Int, on date: String) throws(ZKError) -> UInt64 {
        guard (0...150).contains(years) else { throw ZKError(.valueOutOfRange, "an age is 0...150 years, not \(years)") }
        _ = try dayNumber(date)
        let parts = date.split(separator: "-")
        guard let year = Int64(parts[0]), let month = Int64(parts[1]), var day = Int64(parts[2]) else {
            throw ZKError(.invalidEncoding, "'\(date)' is not a date")
        }
        let birthYear = year - Int64(years)
        guard birthYear >= 1900 else { throw ZKError(.valueOutOfRange, "the cutoff falls before 1900-01-01") }
        day = min(day, Int64(CivilCalendar.daysIn(month: Int(month), year: Int(birthYear))))
        return UInt64(Int64(CivilCalendar.daysFromCivil(year: Int(birthYear), month: Int(month), day: Int(day))) + unixEpochDay)
    }

    /// The proof context: the label, the verifier's nonce and its audience.
    public static func context(nonce: [UInt8], audience: String) -> [UInt8] {
        Array(contextLabel.utf8) + [0] + nonce + [0] + Array(audience.utf8)
    }

    /// `c·G − C`, the commitment to `c − v` the verifier checks.
    /// - Throws: ``ZKError`` `.cryptoFailure`.
    public static func shifted(_ commitment: PedersenCommitment, cutoff: UInt64,
                               parameters: ZKParameters) throws(ZKError) -> PedersenCommitment {
        PedersenCommitment(point: try ZKError.wrap {
            let shift = try parameters.group.generatorMultiplied(by: try ECScalar(cutoff, in: parameters.group))
            return try shift.adding(try commitment.point.negated())
        })
    }

    /// The holder's proof that the committed birth day `value` is at least
    /// `years` before `on`.
    /// - Parameters:
    ///   - value: the committed day number (from the issuer's opening).
    ///   - blinding: the opening's blinding `r`.
    ///   - commitment: `C`, as in the credential.
    ///   - years: the age asked.
    ///   - on: the day it is asked for.
    ///   - context: ``context(nonce:audience:)`` of the verifier's nonce.
    ///   - parameters: the generators.
    /// - Throws: ``ZKError`` `.valueOutOfRange` when the holder is younger,
    ///   `.witnessMismatch` when the opening does not open `C`.
    public static func prove(value: UInt64, blinding: ECScalar, commitment: PedersenCommitment, years: Int, on: String,
                             context: [UInt8], parameters: ZKParameters) throws(ZKError) -> RangeProof {
        let c = try cutoff(years: years, on: on)
        guard value <= c else { throw ZKError(.valueOutOfRange, "the committed date is less than \(years) years before \(on)") }
        let negated = try ZKError.wrap { try blinding.negated() }
        return try RangeProof.prove(value: c - value, blinding: negated, commitment: try shifted(commitment, cutoff: c, parameters: parameters),
                                    bits: bits, context: context, parameters: parameters)
    }

    /// Check a holder's proof.
    /// - Throws: ``ZKError`` `.verificationFailed` when it does not prove the
    ///   predicate for this commitment, date and context.
    public static func verify(_ proof: RangeProof, commitment: PedersenCommitment, years: Int, on: String, context: [UInt8],
                              parameters: ZKParameters) throws(ZKError) {
        let c = try cutoff(years: years, on: on)
        try proof.verify(try shifted(commitment, cutoff: c, parameters: parameters), bits: bits, context: context, parameters: parameters)
    }
}
