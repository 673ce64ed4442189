import Foundation
import PavilionCore
import PavilionCredentials
import PavilionHSM
import PavilionHost
import PavilionStore
import PavilionTestSupport
import XCTest

/// Status lists end to end on a loopback host: each credential gets a
/// random status entry, the lists are served signed with caching headers,
/// the issuing tenant revokes, suspends and reinstates through the API, and
/// `POST /v1/credentials/verify` reports what the list says — or
/// `undetermined`, never `revoked`, when it cannot read the list.
final class CredentialStatusTests: XCTestCase {
    private func credentials(tenantMaxAge: [String: Int] = [:]) throws -> CredentialsConfiguration {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-status-keys")
        let master = dir.appendingPathComponent("master.key").path
        try SoftwareKeyStore.createMasterKeyFile(at: master)
        let keys = dir.appendingPathComponent("keys").path
        let store = try SoftwareKeyStore(directory: keys, masterKey: .file(master))
        _ = try store.generate(label: "local-es256", algorithm: .es256)
        _ = try store.generate(label: "local-eddsa", algorithm: .edDSA)
        var configuration = CredentialsConfiguration(issuer: "https://issuer.example",
                                                     keys: .software(directory: keys, masterKeyFile: master),
                                                     regions: ["local": .init(es256: "local-es256", edDSA: "local-eddsa")])
        configuration.tenantMaxAgeSeconds = tenantMaxAge
        return configuration
    }

    private func withHost(tenantMaxAge: [String: Int] = [:], _ body: (HostHarness) async throws -> Void) async throws {
        let host = try await HostHarness(credentials: try credentials(tenantMaxAge: tenantMaxAge))
        do { try await body(host) } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    /// Issue a credential; returns (verification id, credential JSON value).
    private func issue(_ host: HostHarness, format: String, key: String? = nil) async throws -> (String, JSONValue) {
        let r = try await host.send("POST", "/v1/verifications", key: key ?? host.acmeKey,
                                    body: HostHarness.echoBody(extra: #","credential_format":"\#(format)""#))
        XCTAssertEqual(r.status, 200, r.text)
        return (try XCTUnwrap(r.json?["id"]?.stringValue), try XCTUnwrap(r.json?["credential"]))
    }

    private func setStatus(_ host: HostHarness, _ id: String, _ status: String, key: String? = nil) async throws -> (Int, JSONValue?) {
        let r = try await host.send("POST", "/v1/credentials/\(id)/status", key: key ?? host.acmeKey, body: #"{"status":"\#(status)"}"#)
        return (r.status, r.json)
    }

    private func verify(_ host: HostHarness, _ credential: JSONValue) async throws -> JSONValue {
        let body = JSONValue.object(["credential": credential]).serialized
        let r = try await host.send("POST", "/v1/credentials/verify", key: host.acmeKey, body: body)
        XCTAssertEqual(r.status, 200, r.text)
        return try XCTUnwrap(r.json)
    }

    /// The issuer-signed payload of an SD-JWT (or JWT).
    private func payload(of text: String) throws -> JSONValue {
        let jwt = try SDJWT(parsing: text.contains("~") ? text : text + "~").issuerSignedJWT
        let part = jwt.split(separator: ".").map(String.init)[1]
        return try JSONParser().parse(bytes: try PavilionCredentials.Base64URL.decode(part))
    }

    private func check(_ report: JSONValue, _ name: String) -> JSONValue? {
        report["checks"]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    func testRevokeSuspendAndReinstateThroughTheAPIAreReportedByVerification() async throws {
        try await withHost { host in
            for format in ["dc+sd-jwt", "vc+jwt", "vc-di-ecdsa-jcs-2019"] {
                let (id, credential) = try await issue(host, format: format)
                var report = try await verify(host, credential)
                XCTAssertEqual(report["valid"], true, "\(format): \(report)")
                XCTAssertEqual(report["status"], "valid", format)

                var (status, json) = try await setStatus(host, id, "suspended")
                XCTAssertEqual(status, 200, "\(String(describing: json))")
                XCTAssertEqual(json?["status"], "suspended")
                report = try await verify(host, credential)
                XCTAssertEqual(report["valid"], false)
                XCTAssertEqual(report["status"], "suspended", "\(format): \(report)")
                XCTAssertEqual(check(report, "status")?["passed"], false)
                XCTAssertTrue(check(report, "status")?["reason"]?.stringValue?.hasPrefix("suspended") ?? false)

                (status, json) = try await setStatus(host, id, "valid")
                XCTAssertEqual(status, 200)
                report = try await verify(host, credential)
                XCTAssertEqual(report["status"], "valid", "\(format): \(report)")

                (status, _) = try await setStatus(host, id, "revoked")
                XCTAssertEqual(status, 200)
                report = try await verify(host, credential)
                XCTAssertEqual(report["valid"], false)
                XCTAssertEqual(report["status"], "revoked", "\(format): \(report)")
                XCTAssertTrue(check(report, "status")?["reason"]?.stringValue?.hasPrefix("revoked") ?? false)

                (status, json) = try await setStatus(host, id, "valid")
                XCTAssertEqual(status, 409)
                XCTAssertEqual(json?["code"], "credential_revoked")
                (status, _) = try await setStatus(host, id, "suspended")
                XCTAssertEqual(status, 409)
            }
        }
    }

    func testOnlyTheIssuingTenantChangesAStatusAndBadInputsAreRefused() async throws {
        try await withHost { host in
            let (id, _) = try await issue(host, format: "dc+sd-jwt")
            var (status, json) = try await setStatus(host, id, "revoked", key: host.otherKey)
            XCTAssertEqual(status, 403)
            XCTAssertEqual(json?["code"], "forbidden")
            (status, _) = try await setStatus(host, id, "revoked", key: host.adminKey)
            XCTAssertEqual(status, 403)
            (status, json) = try await setStatus(host, "vrf_00000000000000000000000000000000", "revoked")
            XCTAssertEqual(status, 404, "\(String(describing: json))")
            (status, _) = try await setStatus(host, "not.an.id", "revoked")
            XCTAssertEqual(status, 404)
            (status, json) = try await setStatus(host, id, "deleted")
            XCTAssertEqual(status, 400)
            XCTAssertEqual(json?["code"], "invalid_request")
            let r = try await host.send("POST", "/v1/credentials/\(id)/status", key: host.acmeKey, body: "{")
            XCTAssertEqual(r.status, 400)
            let extra = try await host.send("POST", "/v1/credentials/\(id)/status", key: host.acmeKey,
                                            body: #"{"status":"revoked","reason":"x"}"#)
            XCTAssertEqual(extra.status, 400)
            let anonymous = try await host.send("POST", "/v1/credentials/\(id)/status", body: #"{"status":"revoked"}"#)
            XCTAssertEqual(anonymous.status, 401)
            // Still valid after all the refusals.
            let entry = try await host.store.credentialStatus(verification: try VerificationID(id))
            XCTAssertEqual(entry?.status, .valid)
        }
    }

    func testStatusListsAreServedSignedWithCachingHeaders() async throws {
        try await withHost { host in
            let (_, credential) = try await issue(host, format: "dc+sd-jwt")
            let reference = try StatusListReference(claims: try payload(of: try XCTUnwrap(credential.stringValue)))
            XCTAssertTrue(reference.uri.hasPrefix(host.service.baseURL + "/v1/status-lists/"), reference.uri)
            let path = String(reference.uri.dropFirst(host.service.baseURL.count))
            let r = try await host.send("GET", path)
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.headers["content-type"], "application/statuslist+jwt")
            XCTAssertEqual(r.headers["cache-control"], "max-age=300")
            let etag = try XCTUnwrap(r.headers["etag"])
            let served = try await host.send("GET", "/.well-known/jwks.json")
            let jwks = try JWKSet(json: try XCTUnwrap(served.json))
            let token = try StatusListToken.verify(r.text, keys: jwks.keys, allowedAlgorithms: [.es256], expectedURI: reference.uri,
                                                   now: Date())
            XCTAssertEqual(token.statusList.count, 131_072)
            XCTAssertEqual(token.timeToLive, 300)
            XCTAssertEqual(try token.statusList.status(at: reference.index), .valid)

            let cached = try await host.send("GET", path, headers: [("if-none-match", etag)])
            XCTAssertEqual(cached.status, 304)

            for purpose in ["revocation", "suspension"] {
                let b = try await host.send("GET", path + "/" + purpose)
                XCTAssertEqual(b.status, 200, b.text)
                XCTAssertEqual(b.headers["content-type"], "application/vc+jwt")
                let list = try BitstringStatusListCredential.verify(jwt: b.text, keys: jwks.keys, allowedAlgorithms: [.es256], now: Date())
                XCTAssertEqual(list.statusPurposes.map(\.rawValue), [purpose])
                XCTAssertEqual(list.id, reference.uri + "/" + purpose)
            }
            for bad in ["/v1/status-lists/999", "/v1/status-lists/0", "/v1/status-lists/x", "/v1/status-lists/1/other"] {
                let missing = try await host.send("GET", bad)
                XCTAssertEqual(missing.status, 404, bad)
            }
        }
    }

    func testUnreachableStatusListIsUndeterminedNotRevoked() async throws {
        struct Unreachable: StatusListFetcher {
            func fetch(_ uri: String) async throws -> FetchedStatusList {
                throw HTTPStatusListFetcher.FetchError(description: "connection refused")
            }
        }
        struct Garbage: StatusListFetcher {
            func fetch(_ uri: String) async throws -> FetchedStatusList { FetchedStatusList(body: Array("not a jwt".utf8)) }
        }
        try await withHost { host in
            let (_, credential) = try await issue(host, format: "dc+sd-jwt")
            let served = try await host.send("GET", "/.well-known/jwks.json")
            let jwks = try JWKSet(json: try XCTUnwrap(served.json))
            for fetcher in [Unreachable() as any StatusListFetcher, Garbage()] {
                let verifier = CredentialVerifier(trusted: jwks.keys, clock: FixedCredentialClock(Date()), statusFetcher: fetcher)
                let report = await verifier.verify(try XCTUnwrap(credential.stringValue))
                XCTAssertEqual(report.status, "undetermined")
                XCTAssertFalse(report.isValid)
                let status = try XCTUnwrap(report.checks.first { $0.name == "status" })
                XCTAssertNil(status.passed)
                XCTAssertTrue(status.reason.contains("undetermined"), status.reason)
                XCTAssertTrue(status.reason.contains("not revoked"), status.reason)
            }
        }
    }

    func testVerifyServiceRefusesBadBodiesAndNamesFailedChecks() async throws {
        try await withHost { host in
            let (_, credential) = try await issue(host, format: "vc+jwt")
            for (body, code) in [("{", "invalid_json"), ("[]", "invalid_request"), (#"{"credential":7}"#, "invalid_request"),
                                 (#"{"credential":"x","extra":1}"#, "invalid_request"),
                                 (#"{"credential":"x","nonce":"n"}"#, "invalid_request"),
                                 (#"{"credential":"x","trust":{"keys":7}}"#, "invalid_request"),
                                 (#"{"credential":"x","max_age_seconds":-1}"#, "invalid_request")] {
                let r = try await host.send("POST", "/v1/credentials/verify", key: host.acmeKey, body: body)
                XCTAssertEqual(r.status, 400, body)
                XCTAssertEqual(r.json?["code"]?.stringValue, code, body)
            }
            let anonymous = try await host.send("POST", "/v1/credentials/verify", body: #"{"credential":"x"}"#)
            XCTAssertEqual(anonymous.status, 401)
            var token = try XCTUnwrap(credential.stringValue)
            token.removeLast(4)
            token += "AAAA"
            let report = try await verify(host, .string(token))
            XCTAssertEqual(report["valid"], false)
            XCTAssertEqual(check(report, "signature")?["passed"], false)
            let garbage = try await verify(host, "garbage")
            XCTAssertEqual(check(garbage, "format")?["passed"], false)
        }
    }

    func testIssuedCredentialsCarryTheDataProviderConsultationTime() async throws {
        try await withHost { host in
            let (_, vc) = try await issue(host, format: "vc-di-eddsa-jcs-2022")
            let consulted = try XCTUnwrap(vc["evidence"]?.arrayValue?.first?[CredentialIssuer.consultedClaim]?.stringValue)
            XCTAssertNotNil(DateTimeStamp.parse(consulted), consulted)
            let entries = try XCTUnwrap(vc["credentialStatus"]?.arrayValue)
            XCTAssertEqual(entries.compactMap { $0["statusPurpose"]?.stringValue }.sorted(), ["revocation", "suspension"])
            let (_, sd) = try await issue(host, format: "dc+sd-jwt")
            let claims = try payload(of: try XCTUnwrap(sd.stringValue))
            XCTAssertNotNil(claims["pavilion_evidence"]?[CredentialIssuer.consultedClaim])
        }
    }

    func testIndependentImplementationsReadTheStatusAndFreshnessOfAnIssuedCredential() async throws {
        let python = TestEnvironment.packageRoot.appendingPathComponent(".build/venv/bin/python3")
        guard FileManager.default.isExecutableFile(atPath: python.path),
              let probe = try? TestEnvironment.run(python, ["-c", "import sd_jwt, jwcrypto"]), probe.status == 0 else {
            throw XCTSkip("the reference sd-jwt and jwcrypto are missing: run script/deps (it creates .build/venv)")
        }
        try await withHost { host in
            let (id, credential) = try await issue(host, format: "dc+sd-jwt")
            let (status, _) = try await setStatus(host, id, "suspended")
            XCTAssertEqual(status, 200)
            let text = try XCTUnwrap(credential.stringValue)
            let reference = try StatusListReference(claims: try payload(of: text))
            let list = try await host.send("GET", String(reference.uri.dropFirst(host.service.baseURL.count)))
            let jwks = try await host.send("GET", "/.well-known/jwks.json")
            let request = JSONValue.object(["credential": .string(text), "issuer_jwks": try XCTUnwrap(jwks.json),
                                            "status_list_jwt": .string(list.text)])
            let script = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/status-list/interop/python_checks_status.py")
            let run = try TestEnvironment.run(python, [script.path], stdin: Data(request.serializedBytes))
            XCTAssertEqual(run.status, 0, run.stderr)
            let answer = try JSONParser().parse(run.stdout)
            XCTAssertEqual(answer["ok"], true, run.stdout)
            XCTAssertEqual(answer["idx"], .int(Int64(reference.index)))
            XCTAssertEqual(answer["status"], 2, "SUSPENDED, read by independent code")
            XCTAssertEqual(answer["ttl"], 300)
            XCTAssertNotNil(DateTimeStamp.parse(answer["dp_consulted_at"]?.stringValue ?? ""))
        }
    }

    func testATenantsMaximumAgeCapsItsCredentialsLifetimeAndTheVerifierEnforcesMaxAge() async throws {
        try await withHost(tenantMaxAge: ["acme": 600]) { host in
            let (_, acme) = try await issue(host, format: "dc+sd-jwt")
            let claims = try payload(of: try XCTUnwrap(acme.stringValue))
            XCTAssertEqual(claims["exp"]?.intValue.map { $0 - (claims["iat"]?.intValue ?? 0) }, 600)
            let (_, other) = try await issue(host, format: "dc+sd-jwt", key: host.otherKey)
            let otherClaims = try payload(of: try XCTUnwrap(other.stringValue))
            XCTAssertEqual(otherClaims["exp"]?.intValue.map { $0 - (otherClaims["iat"]?.intValue ?? 0) }, 86_400)
            // A relying party asking for credentials at most 60 s old: fresh passes; the verifier names freshness otherwise.
            let body = JSONValue.object(["credential": acme, "max_age_seconds": 60]).serialized
            let r = try await host.send("POST", "/v1/credentials/verify", key: host.acmeKey, body: body)
            XCTAssertEqual(check(try XCTUnwrap(r.json), "freshness")?["passed"], true, r.text)
            let served = try await host.send("GET", "/.well-known/jwks.json")
            let verifier = CredentialVerifier(trusted: try JWKSet(json: try XCTUnwrap(served.json)).keys,
                                              clock: FixedCredentialClock(Date().addingTimeInterval(120)), maximumAge: 60)
            let report = await verifier.verify(try XCTUnwrap(acme.stringValue))
            XCTAssertEqual(report.checks.first { $0.name == "freshness" }?.passed, false)
            XCTAssertFalse(report.isValid)
        }
    }
}
