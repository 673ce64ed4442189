import Foundation
import PavilionCore
import PavilionCredentials

/// The checks behind `pavilion credential verify`, per format.
struct CredentialVerifier: Sendable {
    /// Keys from `--trust`, if given.
    var trusted: [JWK]?
    /// The verifier's time.
    var clock: FixedCredentialClock

    /// Detect the format and run its checks.
    func verify(_ text: String) async -> CredentialReport {
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
            verifySDJWT(text, into: &report)
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
        do {
            let verified: VerifiedCredential
            if let trusted {
                let candidates = kid.map { kid in trusted.filter { $0.keyID == kid } } ?? trusted
                guard let key = candidates.first else {
                    report.outcome(order, failed: "signature", reason: "no key in the --trust set has kid \(kid ?? "(none)")")
                    return
                }
                verified = try VCJWT.verify(token, key: key, clock: clock)
            } else if let kid, kid.hasPrefix("did:") {
                verified = try await VCJWT.verify(token, resolver: DIDResolver(), clock: clock)
            } else {
                report.outcome(order, failed: "signature", reason: "no key to check with: give --trust with the issuer's JWK Set")
                return
            }
            report.outcome(order, failed: nil)
            status(verified.credential.json["credentialStatus"], into: &report)
        } catch {
            let failed = error.check == .keyResolution ? "signature" : error.check.rawValue
            report.outcome(order, failed: failed, reason: "\(error.check.rawValue): \(error.reason)")
        }
    }

    // MARK: dc+sd-jwt

    private func verifySDJWT(_ text: String, into report: inout CredentialReport) {
        let order = ["signature", "disclosures", "dataModel", "validityPeriod"]
        guard let trusted else {
            report.outcome(order, failed: "signature", reason: "no key to check with: give --trust with the issuer's JWK Set")
            return
        }
        let verifier = SDJWTVCVerifier(issuerKeys: trusted, expectedIssuer: nil, keyBinding: .notRequired)
        do {
            let verified = try verifier.verify(text, now: Int64(clock.now.timeIntervalSince1970.rounded(.down)))
            report.outcome(order, failed: nil)
            report.skip("keyBinding", verified.sdJWT.signedPayload["cnf"] == nil
                ? "not checked: a bearer credential (no cnf)" : "not checked: no presentation nonce or audience to check a KB-JWT against")
            status(verified.status, into: &report)
        } catch {
            let failed: String
            switch error.code {
            case .issuerSignatureInvalid, .issuerKeyUnknown, .unsupportedHashAlgorithm, .cryptoFailure: failed = "signature"
            case .expired, .notYetValid, .invalidClaim: failed = "validityPeriod"
            case .invalidDisclosure, .disclosureWithoutDigest, .duplicateDisclosure, .duplicateDigest, .claimNameCollision,
                 .reservedNameMisuse: failed = "disclosures"
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
        do { key = try await DIDResolver().verificationMethod(method, for: .assertionMethod).publicKey } catch {
            report.outcome(order, failed: "keyResolution", reason: "\(method.isEmpty ? "the proof names no verificationMethod" : method): \(error)")
            return
        }
        report.pass("keyResolution", method)
        if let trusted {
            guard trusted.contains(where: { $0.thumbprint == key.thumbprint }) else {
                report.outcome(Array(order.dropFirst()), failed: "trust", reason: "the proof's key \(method) is not in the --trust set")
                return
            }
            report.pass("trust", "the proof's key is in the --trust set")
        } else {
            report.skip("trust", "not checked: no --trust set; the key is the proof's did:key")
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
            status(credential.json["credentialStatus"], into: &report)
        } catch {
            report.outcome(rest, failed: error.check.rawValue, reason: "\(error.check.rawValue): \(error.reason)")
        }
    }

    // MARK: Status

    private func status(_ entry: JSONValue?, into report: inout CredentialReport) {
        if entry == nil {
            report.skip("status", "not checked (no status entry)")
        } else {
            report.skip("status", "not checked: status lists are not fetched by this command yet")
        }
    }
}
