import Foundation
import PavilionCore
import PavilionCredentials
import XCTest

/// A fetcher the test scripts: a body per URI, or a failure.
private actor ScriptedFetcher: StatusListFetcher {
    struct Unreachable: Error, CustomStringConvertible { var description: String { "connection refused" } }
    private var bodies: [String: String] = [:]

    func serve(_ uri: String, _ body: String?) { bodies[uri] = body }

    func fetch(_ uri: String) async throws -> FetchedStatusList {
        guard let body = bodies[uri] else { throw Unreachable() }
        return FetchedStatusList(body: Array(body.utf8), contentType: StatusListToken.mediaType)
    }
}

/// A clock the test moves.
private final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

/// Status checking: valid / revoked / suspended, and every undetermined
/// reason — a list that cannot be read never makes a credential revoked.
final class StatusListCheckerTests: XCTestCase {
    private let uri = "https://issuer.test/status/1"
    private let start = Date(timeIntervalSince1970: 1_750_000_000)
    private var key: JWK!
    private var signer: JWKSigner!
    private var clock: TestClock!
    private var fetcher: ScriptedFetcher!

    override func setUpWithError() throws {
        key = try StatusFixtures.signingKey("status")
        signer = try JWKSigner(key: key, algorithm: .es256)
        clock = TestClock(start)
        fetcher = ScriptedFetcher()
    }

    private func checker(maximumAge: TimeInterval? = nil) -> StatusListChecker {
        let clock = self.clock!
        return StatusListChecker(fetcher: fetcher, keys: [key.publicJWK], allowedAlgorithms: [.es256],
                                 maximumAge: maximumAge, now: { clock.now })
    }

    /// A signed list with index 1 INVALID and 2 SUSPENDED (or as given).
    private func token(subject: String? = nil, issuedAt: Date? = nil, expiresIn: TimeInterval = 86_400, ttl: Int? = 600,
                       statuses: [Int: TokenStatus] = [1: .invalid, 2: .suspended], by signer: JWKSigner? = nil) throws -> String {
        var list = try StatusList(size: 16_384, bits: .two)
        for (index, status) in statuses { try list.setStatus(status, at: index) }
        let iat = issuedAt ?? clock.now
        return try StatusListToken(subject: subject ?? uri, issuedAt: iat, expiresAt: iat.addingTimeInterval(expiresIn),
                                   timeToLive: ttl, statusList: list).signed(by: signer ?? self.signer)
    }

    private func assertUndetermined(_ result: StatusCheckResult, _ code: UndeterminedReason.Code,
                                    file: StaticString = #filePath, line: UInt = #line) {
        guard case .undetermined(let reason) = result else {
            return XCTFail("expected undetermined(\(code)), got \(result)", file: file, line: line)
        }
        XCTAssertEqual(reason.code, code, reason.detail, file: file, line: line)
        XCTAssertFalse(reason.detail.isEmpty, file: file, line: line)
    }

    // MARK: Determined

    func testValidRevokedAndSuspendedAreReportedFromAVerifiedList() async throws {
        await fetcher.serve(uri, try token())
        let checker = checker()
        let valid = await checker.check(StatusListReference(index: 0, uri: uri))
        let revoked = await checker.check(StatusListReference(index: 1, uri: uri))
        let suspended = await checker.check(StatusListReference(index: 2, uri: uri))
        XCTAssertEqual(valid, .valid)
        XCTAssertEqual(revoked, .revoked)
        XCTAssertEqual(suspended, .suspended)
        let fetches = await checker.fetchCount
        XCTAssertEqual(fetches, 1, "one fetch, then the cache")
        XCTAssertEqual(revoked.jsonValue, ["status": "revoked"])
    }

    func testApplicationSpecificValueIsReportedAsOther() async throws {
        await fetcher.serve(uri, try token(statuses: [4: .applicationSpecific]))
        let result = await checker().check(StatusListReference(index: 4, uri: uri))
        XCTAssertEqual(result, .other(value: 3, message: nil))
    }

    func testListIsFetchedAgainAfterItsTTL() async throws {
        await fetcher.serve(uri, try token())
        let checker = checker()
        let before = await checker.check(StatusListReference(index: 0, uri: uri))
        XCTAssertEqual(before, .valid)
        await fetcher.serve(uri, try token(statuses: [0: .invalid]))
        clock.advance(by: 599)
        let cached = await checker.check(StatusListReference(index: 0, uri: uri))
        XCTAssertEqual(cached, .valid, "within ttl the cached copy is used")
        clock.advance(by: 2)
        let after = await checker.check(StatusListReference(index: 0, uri: uri))
        XCTAssertEqual(after, .revoked, "past ttl the list is fetched again")
        let fetches = await checker.fetchCount
        XCTAssertEqual(fetches, 2)
    }

    // MARK: Undetermined

    func testUnreachableListIsUndeterminedNotRevoked() async {
        let result = await checker().check(StatusListReference(index: 1, uri: uri))
        assertUndetermined(result, .unreachable)
    }

    func testUnparsableListIsUndetermined() async throws {
        await fetcher.serve(uri, "<html>502 Bad Gateway</html>")
        assertUndetermined(await checker().check(StatusListReference(index: 1, uri: uri)), .unparsable)
    }

    func testListWithCorruptLstIsUndetermined() async throws {
        let claims: JSONValue = ["sub": .string(uri), "iat": .int(Int64(start.timeIntervalSince1970)),
                                 "status_list": ["bits": 1, "lst": "eNrbuRgAAhcB"]]
        let jwt = try JWS.signCompact(payload: claims.serializedBytes, signer: signer, header: ["typ": "statuslist+jwt"])
        await fetcher.serve(uri, jwt)
        assertUndetermined(await checker().check(StatusListReference(index: 1, uri: uri)), .unparsable)
    }

    func testBadSignatureIsUndeterminedNotRevoked() async throws {
        let impostor = try JWKSigner(key: try StatusFixtures.signingKey("status"), algorithm: .es256)
        await fetcher.serve(uri, try token(by: impostor))
        assertUndetermined(await checker().check(StatusListReference(index: 1, uri: uri)), .badSignature)
    }

    func testExpiredListIsUndetermined() async throws {
        await fetcher.serve(uri, try token(issuedAt: start.addingTimeInterval(-7_200), expiresIn: 3_600))
        assertUndetermined(await checker().check(StatusListReference(index: 1, uri: uri)), .expired)
    }

    func testStaleCachedListWhoseRefetchFailsIsUndeterminedNotRevoked() async throws {
        await fetcher.serve(uri, try token())
        let checker = checker()
        let first = await checker.check(StatusListReference(index: 1, uri: uri))
        XCTAssertEqual(first, .revoked)
        await fetcher.serve(uri, nil)
        clock.advance(by: 601)
        assertUndetermined(await checker.check(StatusListReference(index: 1, uri: uri)), .stale)
    }

    func testListOlderThanTheVerifiersMaximumAgeIsStale() async throws {
        await fetcher.serve(uri, try token(issuedAt: start.addingTimeInterval(-3_600)))
        assertUndetermined(await checker(maximumAge: 600).check(StatusListReference(index: 1, uri: uri)), .stale)
    }

    func testIndexBeyondTheListIsUndetermined() async throws {
        await fetcher.serve(uri, try token())
        assertUndetermined(await checker().check(StatusListReference(index: 16_384, uri: uri)), .indexOutOfRange)
    }

    func testListForAnotherURIIsUndetermined() async throws {
        await fetcher.serve(uri, try token(subject: "https://issuer.test/status/2"))
        assertUndetermined(await checker().check(StatusListReference(index: 1, uri: uri)), .unparsable)
    }

    // MARK: Bitstring Status List

    private func bitstringCredential(id: String, purposes: [StatusPurpose] = [.revocation], entries: Int = 131_072,
                                     statusSize: Int = 1, set: [Int: Int] = [:]) throws -> String {
        var list = try BitstringStatusList(entries: entries, statusSize: statusSize, minimumEntries: min(entries, 131_072))
        for (index, value) in set { try list.setStatus(value, at: index) }
        return try BitstringStatusListCredential(id: id, issuer: "https://issuer.test", validFrom: clock.now,
                                                 validUntil: clock.now.addingTimeInterval(86_400), statusPurposes: purposes,
                                                 timeToLiveMilliseconds: 300_000, list: list).signedJWT(by: signer)
    }

    func testBitstringRevocationAndSuspensionEntries() async throws {
        let revocations = "https://issuer.test/bsl/revocation"
        let suspensions = "https://issuer.test/bsl/suspension"
        await fetcher.serve(revocations, try bitstringCredential(id: revocations, set: [94_567: 1]))
        await fetcher.serve(suspensions, try bitstringCredential(id: suspensions, purposes: [.suspension], set: [23_452: 1]))
        let checker = checker()
        let revoked = await checker.check(BitstringStatusListEntry(statusPurpose: .revocation, statusListIndex: 94_567,
                                                                   statusListCredential: revocations))
        let valid = await checker.check(BitstringStatusListEntry(statusPurpose: .revocation, statusListIndex: 94_568,
                                                                 statusListCredential: revocations))
        let suspended = await checker.check(BitstringStatusListEntry(statusPurpose: .suspension, statusListIndex: 23_452,
                                                                     statusListCredential: suspensions))
        XCTAssertEqual(revoked, .revoked)
        XCTAssertEqual(valid, .valid)
        XCTAssertEqual(suspended, .suspended)
    }

    func testBitstringMessageEntryReportsItsMessage() async throws {
        let messages = "https://issuer.test/bsl/message"
        await fetcher.serve(messages, try bitstringCredential(id: messages, purposes: [.message], statusSize: 2, set: [99_631: 2]))
        let entry = BitstringStatusListEntry(statusPurpose: .message, statusListIndex: 99_631, statusListCredential: messages,
                                             statusSize: 2, statusMessage: [.init(status: "0x0", message: "pending_review"),
                                                                            .init(status: "0x1", message: "accepted"),
                                                                            .init(status: "0x2", message: "rejected"),
                                                                            .init(status: "0x3", message: "undefined")])
        let result = await checker().check(entry)
        XCTAssertEqual(result, .other(value: 2, message: "rejected"))
    }

    func testBitstringPurposeMismatchShortListAndBadSignatureAreUndetermined() async throws {
        let list = "https://issuer.test/bsl/1"
        await fetcher.serve(list, try bitstringCredential(id: list))
        let checker = checker()
        assertUndetermined(await checker.check(BitstringStatusListEntry(statusPurpose: .suspension, statusListIndex: 1,
                                                                        statusListCredential: list)), .mismatch)
        let short = "https://issuer.test/bsl/short"
        await fetcher.serve(short, try bitstringCredential(id: short, entries: 1_024))
        assertUndetermined(await checker.check(BitstringStatusListEntry(statusPurpose: .revocation, statusListIndex: 1,
                                                                        statusListCredential: short)), .listTooShort)
        let forged = "https://issuer.test/bsl/forged"
        let impostor = try JWKSigner(key: try StatusFixtures.signingKey("x"), algorithm: .es256)
        var bits = try BitstringStatusList()
        try bits.setStatus(1, at: 5)
        await fetcher.serve(forged, try BitstringStatusListCredential(id: forged, issuer: "https://issuer.test", statusPurposes: [.revocation],
                                                                      list: bits).signedJWT(by: impostor))
        assertUndetermined(await checker.check(BitstringStatusListEntry(statusPurpose: .revocation, statusListIndex: 5,
                                                                        statusListCredential: forged)), .badSignature)
        assertUndetermined(await checker.check(BitstringStatusListEntry(statusPurpose: .revocation, statusListIndex: 5,
                                                                        statusListCredential: "https://issuer.test/none")), .unreachable)
    }
}
