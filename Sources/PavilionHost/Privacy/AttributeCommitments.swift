import Foundation
import PavilionCore
import PavilionCrypto
import PavilionPrivacy

/// Pedersen commitments to subject attributes the data provider confirmed,
/// carried in the issued credential (see `docs/privacy.md`, "Credentials
/// with committed attributes").
///
/// A request may ask, with `commit_attributes: ["birthdate"]` and a
/// `credential_format`, that the credential carry `birthdate_commitment`
/// instead of the date: `C = v·G + r·H` over P-256 with `v` the day
/// number since 1900-01-01. The attribute is committed only when the same
/// request asked for the provider's `birthdate_match` claim and it came
/// back `true`: the issuer signs only what it verified. The opening
/// (`v`, `r`) goes back to the caller once, in the answer's `commitments`,
/// for the holder; it is never stored or logged.
enum AttributeCommitments {
    /// The claim a commitment to `attribute` is carried in.
    static func claimName(_ attribute: String) -> String { attribute + "_commitment" }

    /// The claim that must confirm `attribute`.
    static func confirmingClaim(_ attribute: String) -> String { attribute + "_match" }

    /// The `scheme` member of a commitment claim.
    static let scheme = "pedersen-p256/v1"
    /// The `encoding` member of a commitment claim.
    static let encoding = "days-since-1900-01-01"

    /// `commit_attributes`, checked against the rest of the request.
    /// - Throws: ``APIProblem`` `invalid_request` for a malformed list, one
    ///   without `credential_format`, or an attribute whose `<name>_match`
    ///   claim is not asked for or that the subject does not hold as a date.
    static func parse(_ members: [String: JSONValue], claims: [String], subject: JSONValue,
                      credentialFormat: CredentialFormat?) throws(APIProblem) -> [String] {
        guard let value = members["commit_attributes"] else { return [] }
        guard let list = value.arrayValue, !list.isEmpty, list.count <= 8 else {
            throw .invalidRequest("\"commit_attributes\" must be a list of 1 to 8 subject attribute names")
        }
        guard credentialFormat == .vcJWT || credentialFormat == .sdJWTVC else {
            throw .invalidRequest("\"commit_attributes\" needs \"credential_format\" vc+jwt or dc+sd-jwt: the commitment travels in the credential")
        }
        var names: [String] = []
        for item in list {
            guard let name = item.stringValue, Tokens.isToken(name), name.utf8.count <= 64 else {
                throw .invalidRequest("\"commit_attributes\" must hold attribute names")
            }
            guard claims.contains(confirmingClaim(name)) else {
                throw .invalidRequest("committing \"\(name)\" needs the claim \"\(confirmingClaim(name))\" in the same request, so the provider confirms it")
            }
            guard let date = subject[name]?.stringValue, (try? CommittedDatePredicate.dayNumber(date)) != nil else {
                throw .invalidRequest("\"\(name)\" must be a date YYYY-MM-DD in the subject to be committed")
            }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Commit to every confirmed attribute: add its claim to `content` and
    /// return the openings for the answer (`nil` when none was asked).
    /// - Throws: ``APIProblem`` `credential_issuance_failed` when committing fails.
    static func commit(_ attributes: [String], subject: JSONValue, result: JSONValue,
                       into content: inout CredentialContent) throws(APIProblem) -> JSONValue? {
        guard !attributes.isEmpty else { return nil }
        var openings: [String: JSONValue] = [:]
        for attribute in attributes {
            let confirmation = result[confirmingClaim(attribute)]
            guard confirmation == .bool(true) || confirmation == .string("true"),
                  let date = subject[attribute]?.stringValue else {
                openings[attribute] = .null
                continue
            }
            do {
                let parameters = try ZKParameters.p256()
                let value = try CommittedDatePredicate.dayNumber(date)
                let (commitment, opening) = try PedersenCommitment.commit(value, parameters: parameters)
                let hex = Hex.encode(try commitment.serialized())
                content.claims[claimName(attribute)] = .object([
                    "scheme": .string(scheme), "encoding": .string(encoding), "commitment": .string(hex),
                ])
                openings[attribute] = .object([
                    "commitment": .string(hex), "value": .int(Int64(value)),
                    "blinding": .string(Hex.encode(opening.blinding.bigEndianBytes())),
                ])
            } catch {
                throw APIProblem(500, "credential_issuance_failed", "the commitment to \(attribute) could not be made: \(error)")
            }
        }
        return .object(openings)
    }
}
