import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto

/// The checks behind `pavilion credential verify` and
/// `POST /v1/credentials/verify`, per format: one implementation for the
/// command line and the API.
///
/// Keys come from `trusted` (a JWK Set: the issuer's, or this host's own),
/// or a DID the credential names. The status entry is checked against its
/// list, fetched through `statusFetcher` and verified with the trusted keys
/// (or, for Data Integrity, the proof's key); a list that cannot be read,
/// verified or is stale makes the status `undetermined`, never `revoked`.
public struct CredentialVerifier: Sendable {
    /// Keys to trust, if given.
    public var trusted: [JWK]?
    /// The verifier's time.
    public var clock: FixedCredentialClock
    /// Fetches status lists; `nil` leaves the status not checked.
    public var statusFetcher: (any StatusListFetcher)?
    /// The nonce and audience a KB-JWT must carry, if the caller checks key binding.
    public var keyBinding: KeyBindingExpectation?
    /// The oldest `iat` accepted (the relying party's maximum age), in seconds.
    public var maximumAge: TimeInterval?
    /// Fetches did:web documents; `nil` leaves did:web unresolvable.
    public var didWebFetcher: (any DIDWebFetcher)?
    /// Trust anchors for `x5c` chains in JWS headers; `nil` ignores `x5c`.
    public var x5cAnchors: X509ChainValidator?

    /// - Parameters: the fields above.
    public init(trusted: [JWK]?, clock: FixedCredentialClock, statusFetcher: (any StatusListFetcher)? = nil,
                keyBinding: KeyBindingExpectation? = nil, maximumAge: TimeInterval? = nil,
                didWebFetcher: (any DIDWebFetcher)? = nil, x5cAnchors: X509ChainValidator? = nil) {
        self.didWebFetcher = didWebFetcher
        self.x5cAnchors = x5cAnchors
        self.trusted = trusted
        self.clock = clock
        self.statusFetcher = statusFetcher
        self.keyBinding = keyBinding
        self.maximumAge = maximumAge
    }

    /// Resolves the DIDs credentials name: did:key, did:jwk, and did:web through ``didWebFetcher``.
    var resolver: DIDResolver { DIDResolver(webFetcher: didWebFetcher) }

    /// Detect the format and run its checks.
    /// - Parameter text: the credential: a compact JWS, an SD-JWT, or JSON with a Data Integrity proof.
    /// - Returns: the report.
    public func verify(_ text: String) async -> CredentialReport {
        var report = CredentialReport()
        if text.hasPrefix("{") {
            let json: JSONValue
            do { json = try JSONParser().parse(text) } catch {
                report.fail("format", "the input looks like JSON but does not parse: \(error)")
                return report
            }
            guard json["proof"] != nil else {
                report.fail("format", "a JSON credential without a proof (only Data Integrity JSON credentials are verified)")
                return report
            }
            report.format = "vc-di"
            report.pass("format", "JSON credential with a Data Integrity proof")
            await verifyDataIntegrity(json, into: &report)
        } else if text.contains("~") {
            report.format = SDJWTVCClaims.type
            report.pass("format", "SD-JWT (~-separated)")
            await verifySDJWT(text, into: &report)
        } else if text.split(separator: ".", omittingEmptySubsequences: false).count == 3 {
            let header: [String: JSONValue]
            do { header = try JWS.unverifiedHeader(ofCompact: text) } catch {
                report.fail("format", "a three-part token whose header does not decode: \(error.reason)")
                return report
            }
            report.format = VCJWT.mediaType
            report.pass("format", "compact JWS, typ \(header["typ"]?.stringValue ?? "absent")")
            await verifyVCJWT(text, header: header, into: &report)
        } else {
            report.fail("format", "not a vc+jwt (compact JWS), a dc+sd-jwt (~-separated SD-JWT) or a JSON credential with a Data Integrity proof")
        }
        return report
    }

    // MARK: vc+jwt

    private func verifyVCJWT(_ token: String, header: [String: JSONValue], into report: inout CredentialReport) async {
        let order = ["signature", "mediaType", "dataModel", "issuer", "freshness", "validityPeriod"]
        let kid = header["kid"]?.stringValue
        let validator = JWTClaimsValidator(maximumAge: maximumAge)
        do {
            let verified: VerifiedCredential
            if let chained = x5cKey(header, order: order, into: &report) {
                guard let key = chained else { return }
                verified = try VCJWT.verify(token, key: key, validator: validator, clock: clock)
            } else if let trusted {
                let candidates = kid.map { kid in trusted.filter { $0.keyID == kid } } ?? trusted
                guard let key = candidates.first else {
                    report.outcome(order, failed: "signature", reason: "no trusted key has kid \(kid ?? "(none)")")
                    return
                }
                verified = try VCJWT.verify(token, key: key, validator: validator, clock: clock)
            } else if let kid, kid.hasPrefix("did:") {
                verified = try await VCJWT.verify(token, resolver: resolver, validator: validator, clock: clock)
            } else {
                report.outcome(order, failed: "signature", reason: "no key to check with: give the issuer's JWK Set (--trust FILE, or \"trust\" in the API)")
                return
            }
            report.outcome(order, failed: nil)
            await status(verified.credential.json["credentialStatus"], listKeys: trusted ?? [], into: &report)
        } catch {
            let failed = error.check == .keyResolution ? "signature" : error.check.rawValue
            report.outcome(order, failed: failed, reason: "\(error.check.rawValue): \(error.reason)")
        }
    }

    /// The key of a header's `x5c` chain validated to ``x5cAnchors``: `nil`
    /// when there is no chain to use (no `x5c`, or no anchors configured),
    /// `.some(nil)` when the chain fails (the report says why), else the leaf's key.
    private func x5cKey(_ header: [String: JSONValue], order: [String], into report: inout CredentialReport) -> JWK?? {
        guard let anchors = x5cAnchors, let value = header["x5c"] else { return nil }
        guard let chain = value.arrayValue?.compactMap(\.stringValue), chain.count == value.arrayValue?.count, !chain.isEmpty else {
            report.outcome(order, failed: "signature", reason: "x5c: not a non-empty array of base64 certificates")
            return .some(nil)
        }
        do {
            let validated = try anchors.validate(x5c: chain, at: clock.now)
            guard let leaf = validated.first else { throw X509ValidationError(.other, call: "x5c", reason: "empty chain") }
            return .some(try JWK(certificate: leaf))
        } catch let error as X509ValidationError {
            report.outcome(order, failed: "signature", reason: "x5c chain: \(error.code.rawValue): \(error.reason)")
        } catch {
            report.outcome(order, failed: "signature", reason: "x5c chain: \(error)")
        }
        return .some(nil)
    }

    // MARK: dc+sd-jwt

    private func verifySDJWT(_ text: String, into report: inout CredentialReport) async {
        let order = ["signature", "disclosures", "dataModel", "validityPeriod"]
        var issuerKeys = trusted
        let issuerJWT = String(text.prefix { $0 != "~" })
        if let header = try? JWS.unverifiedHeader(ofCompact: issuerJWT), let chained = x5cKey(header, order: order, into: &report) {
            guard let key = chained else { return }
            issuerKeys = [key]
        }
        guard let trusted = issuerKeys else {
            report.outcome(order, failed: "signature", reason: "no key to check with: give the issuer's JWK Set (--trust FILE, or \"trust\" in the API)")
            return
        }
        let bare = text.hasSuffix("~")
        let policy: KeyBindingPolicy = keyBinding.map { bare ? .notRequired : .required($0) } ?? .notRequired
        let verifier = SDJWTVCVerifier(issuerKeys: trusted, expectedIssuer: nil, keyBinding: policy)
        let now = Int64(clock.now.timeIntervalSince1970.rounded(.down))
        do {
            let verified = try verifier.verify(text, now: now)
            report.outcome(order, failed: nil)
            let payload = verified.sdJWT.signedPayload
            if let maximumAge, case .int(let iat)? = payload["iat"], Double(now - iat) > maximumAge {
                report.fail("freshness", "tooOld: issued \(now - iat) s ago, more than the maximum age of \(Int(maximumAge)) s")
                report.skip("keyBinding", "not checked: an earlier check failed")
                report.skip("status", "not checked: an earlier check failed")
                return
            }
            report.pass("freshness", maximumAge.map { "issued within the maximum age of \(Int($0)) s" } ?? "iat/exp checked; no maximum age given")
            if payload["cnf"] == nil {
                report.skip("keyBinding", "not checked: a bearer credential (no cnf)")
            } else if keyBinding == nil {
                report.skip("keyBinding", "not checked: no presentation nonce or audience to check a KB-JWT against")
            } else if bare {
                report.fail("keyBinding", "kbMissing: a nonce and audience were given but the presentation has no KB-JWT")
                report.skip("status", "not checked: an earlier check failed")
                return
            } else {
                report.pass("keyBinding", "KB-JWT signed by the cnf key, nonce and audience match")
            }
            await status(verified.status.map { JSONValue.object(["status": $0]) }, listKeys: trusted, token: true, into: &report)
        } catch {
            let failed: String
            switch error.code {
            case .issuerSignatureInvalid, .issuerKeyUnknown, .unsupportedHashAlgorithm, .cryptoFailure: failed = "signature"
            case .expired, .notYetValid, .invalidClaim: failed = "validityPeriod"
            case .invalidDisclosure, .disclosureWithoutDigest, .duplicateDisclosure, .duplicateDigest, .claimNameCollision,
                 .reservedNameMisuse: failed = "disclosures"
            case .kbMissing, .kbUnexpected, .cnfMissing, .kbInvalidHeader, .kbSignatureInvalid, .kbMissingClaim,
                 .kbNonceMismatch, .kbAudienceMismatch, .kbSdHashMismatch, .kbExpired, .kbIssuedInFuture:
                report.outcome(order + ["freshness"], failed: nil)
                report.fail("keyBinding", "\(error.code.rawValue): \(error.reason)")
                report.skip("status", "not checked: an earlier check failed")
                return
            case .invalidSerialization, .unexpectedType:
                report.checks.removeAll { $0.name == "format" }
                report.fail("format", "\(error.code.rawValue): \(error.reason)")
                return
            default: failed = "dataModel"
            }
            report.outcome(order, failed: failed, reason: "\(error.code.rawValue): \(error.reason)")
        }
    }

    // MARK: Data Integrity

    private func verifyDataIntegrity(_ document: JSONValue, into report: inout CredentialReport) async {
        let order = ["keyResolution", "trust", "signature", "dataModel", "validityPeriod"]
        let method = document["proof"]?["verificationMethod"]?.stringValue ?? ""
        let key: JWK
        do { key = try await resolver.verificationMethod(method, for: .assertionMethod).publicKey } catch {
            report.outcome(order, failed: "keyResolution", reason: "\(method.isEmpty ? "the proof names no verificationMethod" : method): \(error)")
            return
        }
        report.pass("keyResolution", method)
        if let trusted {
            guard trusted.contains(where: { $0.thumbprint == key.thumbprint }) else {
                report.outcome(Array(order.dropFirst()), failed: "trust", reason: "the proof's key \(method) is not in the trusted set")
                return
            }
            report.pass("trust", "the proof's key is in the trusted set")
        } else {
            report.skip("trust", "not checked: no trusted set; the key is the proof's did:key")
        }
        let rest = Array(order.dropFirst(2))
        let verified: VerifiedDataIntegrityDocument
        do { verified = try DataIntegrity.verify(document, publicKey: key, clock: clock) } catch {
            let failed = [.createdInFuture, .proofExpired].contains(error.code) ? "validityPeriod" : "signature"
            report.outcome(rest, failed: failed, reason: "\(error.code.rawValue): \(error.reason)")
            return
        }
        do {
            let credential = try VerifiableCredential(json: verified.document)
            try credential.checkValidityPeriod(at: clock.now, leeway: 60)
            report.outcome(rest, failed: nil)
            var proofKey = key
            proofKey.keyID = key.thumbprint
            await status(credential.json["credentialStatus"], listKeys: trusted ?? [proofKey], into: &report)
        } catch {
            report.outcome(rest, failed: error.check.rawValue, reason: "\(error.check.rawValue): \(error.reason)")
        }
    }

    // MARK: Status

    /// Check the status entry (`credentialStatus` of a VC, or `{"status": …}` of a JWT with `token`).
    private func status(_ entry: JSONValue?, listKeys: [JWK], token: Bool = false, into report: inout CredentialReport) async {
        guard let entry else {
            report.status = "none"
            report.skip("status", "not checked (no status entry)")
            return
        }
        guard let statusFetcher else {
            report.skip("status", "not checked: no status list fetcher")
            return
        }
        let now = clock.now
        let checker = StatusListChecker(fetcher: statusFetcher, keys: listKeys, allowedAlgorithms: [.es256, .es384, .edDSA],
                                        now: { now })
        var results: [(String, StatusCheckResult)] = []
        if token {
            do {
                let reference = try StatusListReference(claims: entry)
                results.append(("\(reference.uri) idx \(reference.index)", await checker.check(reference)))
            } catch {
                report.status = "undetermined"
                report.skip("status", "undetermined (unparsable): \(error)")
                return
            }
        } else {
            for item in entry.arrayValue ?? [entry] {
                do {
                    let bitstring = try BitstringStatusListEntry(json: item)
                    results.append(("\(bitstring.statusPurpose) \(bitstring.statusListCredential) index \(bitstring.statusListIndex)",
                                    await checker.check(bitstring)))
                } catch {
                    report.status = "undetermined"
                    report.skip("status", "undetermined (unparsable): \(error)")
                    return
                }
            }
        }
        func first(_ name: String) -> (String, StatusCheckResult)? { results.first { $0.1.name == name } }
        if let (where_, _) = first("revoked") {
            report.status = "revoked"
            report.fail("status", "revoked: the status list marks the credential revoked (\(where_))")
        } else if let (where_, _) = first("suspended") {
            report.status = "suspended"
            report.fail("status", "suspended: the status list marks the credential suspended (\(where_))")
        } else if let (where_, result) = results.first(where: { if case .other = $0.1 { true } else { false } }) {
            report.status = "other"
            report.fail("status", "\(result) (\(where_))")
        } else if let (where_, result) = results.first(where: { if case .undetermined = $0.1 { true } else { false } }) {
            report.status = "undetermined"
            report.skip("status", "\(result) (\(where_)); not revoked: the list could not be used")
        } else {
            report.status = "valid"
            report.pass("status", "valid (\(results.map(\.0).joined(separator: "; ")))")
        }
    }
}
