import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionNet
import PavilionStore

/// The credential routes: status lists (public, cacheable), status changes
/// by the issuing tenant, and verification as a service.
extension HostAPI {
    static let statusListPrefix = "/v1/status-lists/"
    static let credentialPrefix = "/v1/credentials/"

    static func credentialRoute(method: String, path: String) -> Route? {
        if method == "GET", path.hasPrefix(statusListPrefix),
           let parsed = CredentialStatusService.parseListPath(String(path.dropFirst(statusListPrefix.count))) {
            return parsed.purpose == nil ? .statusList : .statusListCredential
        }
        if method == "POST", let id = credentialID(path), !id.isEmpty { return .setCredentialStatus }
        return nil
    }

    static func credentialAllowedMethods(path: String) -> [String]? {
        if path.hasPrefix(statusListPrefix), CredentialStatusService.parseListPath(String(path.dropFirst(statusListPrefix.count))) != nil {
            return ["GET"]
        }
        if credentialID(path) != nil { return ["POST"] }
        return nil
    }

    /// `{id}` of `/v1/credentials/{id}/status`.
    static func credentialID(_ path: String) -> String? {
        guard path.hasPrefix(credentialPrefix), path.hasSuffix("/status") else { return nil }
        let id = path.dropFirst(credentialPrefix.count).dropLast("/status".count)
        return id.contains("/") ? nil : String(id)
    }

    /// The keyring, re-read from the key registry when due.
    func currentKeyring() async -> SigningKeyring? {
        if let registry = credentials?.registry { return await registry.currentRefreshing() }
        return credentials?.keyring ?? defaultKeyring
    }

    // MARK: GET /v1/status-lists/{id}[/{purpose}]

    func serveStatusList(_ request: HTTPServerRequest) async throws(APIProblem) -> HTTPServerResponse {
        guard let status = credentials?.status, let keyring = await currentKeyring(),
              let parsed = CredentialStatusService.parseListPath(String(request.path.dropFirst(Self.statusListPrefix.count))) else {
            throw APIProblem(404, "status_list_not_found", "this host serves no status lists")
        }
        let record = try await status.record(parsed.id)
        let etag = CredentialStatusService.etag(record)
        if let match = request.headers["if-none-match"],
           match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" }) {
            return HTTPServerResponse(status: 304, headers: ["etag": etag], body: [])
        }
        let served = try status.served(record, purpose: parsed.purpose, keyring: keyring)
        return HTTPServerResponse(status: 200, headers: ["content-type": served.mediaType, "etag": served.etag],
                                  body: Array(served.body.utf8))
    }

    // MARK: POST /v1/credentials/{id}/status

    func setCredentialStatus(_ request: HTTPServerRequest, caller: Caller) async throws(APIProblem) -> HTTPServerResponse {
        guard let status = credentials?.status else { throw APIProblem(404, "credential_not_found", "this host keeps no credential statuses") }
        guard let tenant = caller.tenant else {
            throw APIProblem.forbidden("only the issuing tenant changes a credential's status; use its tenant key")
        }
        let notFound = APIProblem(404, "credential_not_found", "no credential with this id")
        guard let text = Self.credentialID(request.path), let id = try? VerificationID(text) else { throw notFound }
        let body: JSONValue
        do { body = try JSONParser(limits: .init(maxDepth: 4, maxBytes: 4096)).parse(bytes: request.body) } catch {
            throw APIProblem.invalidJSON("the body is not JSON: \(error)")
        }
        guard let members = body.objectValue, members.keys.allSatisfy({ $0 == "status" }),
              let word = members["status"]?.stringValue, let wanted = CredentialStatusEntry.Status(rawValue: word) else {
            throw APIProblem.invalidRequest("the body must be {\"status\": \"revoked\" | \"suspended\" | \"valid\"}")
        }
        let entry: CredentialStatusEntry
        do {
            guard let current = try await status.store.credentialStatus(verification: id) else { throw notFound }
            guard current.tenantID == tenant else { throw APIProblem.forbidden("this credential was issued to another tenant") }
            if current.status == .revoked, wanted != .revoked {
                throw APIProblem(409, "credential_revoked", "the credential is revoked; revocation is final")
            }
            entry = try await status.store.setCredentialStatus(wanted, verification: id)
        } catch let problem as APIProblem {
            throw problem
        } catch let error as StoreError where error.code == .invalidInput {
            throw APIProblem(409, "credential_revoked", "the credential is revoked; revocation is final")
        } catch {
            throw APIProblem(503, "store_unavailable", "the service cannot change credential statuses right now")
        }
        return Self.json(200, [
            "credential": .string(entry.verificationID.rawValue), "status": .string(entry.status.rawValue),
            "status_list": .string(status.tokenURI(list: entry.listID)), "index": .int(Int64(entry.index)),
            "updated_at": .string(Timestamps.rfc3339(entry.updatedAt)),
        ])
    }

    // MARK: POST /v1/credentials/verify

    func verifyCredential(_ request: HTTPServerRequest) async throws(APIProblem) -> HTTPServerResponse {
        if let type = request.headers["content-type"], !type.lowercased().hasPrefix("application/json") {
            throw APIProblem(415, "unsupported_media_type", "send the request as application/json")
        }
        let body: JSONValue
        do { body = try JSONParser(limits: .init(maxDepth: 32, maxBytes: 1 << 20)).parse(bytes: request.body) } catch {
            throw APIProblem.invalidJSON("the body is not JSON: \(error)")
        }
        guard let members = body.objectValue else { throw APIProblem.invalidRequest("the body must be a JSON object") }
        let known: Set<String> = ["credential", "trust", "trust_anchors", "nonce", "audience", "max_age_seconds"]
        if let extra = members.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIProblem.invalidRequest("unknown member \"\(Tokens.printable(extra))\"")
        }
        let text: String
        switch members["credential"] {
        case .string(let value)?: text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        case .object?: text = members["credential"]?.serialized ?? ""
        default: throw APIProblem.invalidRequest("\"credential\" must be the credential: a string (vc+jwt, dc+sd-jwt) or an object (Data Integrity)")
        }
        let keyring = await currentKeyring()
        var trusted: [JWK]? = keyring?.publicKeys()
        if let trust = members["trust"] {
            do { trusted = try JWKSet(json: trust).keys } catch {
                throw APIProblem.invalidRequest("\"trust\" must be a JWK Set: \(error.reason)")
            }
        }
        var anchors: X509ChainValidator?
        if let value = members["trust_anchors"] {
            guard case .string(let pem) = value else { throw APIProblem.invalidRequest("\"trust_anchors\" must be a PEM certificate bundle (a string)") }
            do { anchors = X509ChainValidator(anchors: try X509Certificate.bundle(pem: pem)) } catch {
                throw APIProblem.invalidRequest("\"trust_anchors\" is not a PEM certificate bundle: \(error.reason)")
            }
        }
        var binding: KeyBindingExpectation?
        switch (members["nonce"], members["audience"]) {
        case (nil, nil): break
        case (.string(let nonce)?, .string(let audience)?) where !nonce.isEmpty && !audience.isEmpty:
            binding = KeyBindingExpectation(audience: audience, nonce: nonce)
        default: throw APIProblem.invalidRequest("\"nonce\" and \"audience\" go together, as non-empty strings")
        }
        var maximumAge: TimeInterval?
        if let value = members["max_age_seconds"] {
            guard case .int(let seconds) = value, seconds > 0 else { throw APIProblem.invalidRequest("\"max_age_seconds\" must be a positive integer") }
            maximumAge = TimeInterval(seconds)
        }
        let fetcher = HostStatusListFetcher(status: credentials?.status, keyring: keyring, remote: statusFetcher)
        let verifier = CredentialVerifier(trusted: trusted, clock: FixedCredentialClock(Date()), statusFetcher: fetcher,
                                          keyBinding: binding, maximumAge: maximumAge, didWebFetcher: didWebFetcher,
                                          x5cAnchors: anchors)
        return Self.json(200, await verifier.verify(text).json)
    }
}
