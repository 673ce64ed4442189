import Foundation
import PavilionCore
import PavilionStore
import PavilionTestSupport
import XCTest

final class KeysCommandTests: XCTestCase {
    func testTenantKeyIsPrintedOnceAndWorksUntilRevoked() async throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        XCTAssertEqual(try ops.run("tenants", "create", "acme").status, 0)

        let created = try ops.run("keys", "create", "--tenant", "acme", "--label", "ci")
        XCTAssertEqual(created.status, 0, created.stderr)
        let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(token.hasPrefix("pvk_"), token)
        XCTAssertEqual(created.stdout.components(separatedBy: token).count, 2, "the key appears exactly once")
        XCTAssertFalse(created.stderr.contains(token))
        XCTAssertTrue(created.stderr.contains("warning: this is the only time the key is shown"), created.stderr)
        let secret = try XCTUnwrap(token.split(separator: "_").last.map(String.init))

        let list = try ops.run("keys", "list")
        XCTAssertEqual(list.status, 0, list.stderr)
        let listJSON = try ops.run("keys", "list", "--tenant", "acme", "--json")
        for output in [list.stdout, list.stderr, listJSON.stdout] {
            XCTAssertFalse(output.contains(secret), "keys list shows a secret: \(output)")
        }
        let keys = try XCTUnwrap(try parseJSON(listJSON.stdout).arrayValue)
        XCTAssertEqual(keys.count, 1)
        XCTAssertEqual(keys[0]["kind"], "tenant")
        XCTAssertEqual(keys[0]["tenant"], "acme")
        XCTAssertEqual(keys[0]["label"], "ci")
        XCTAssertEqual(keys[0]["revoked_at"], .null)
        XCTAssertNil(keys[0]["token"])
        let keyID = try XCTUnwrap(keys[0]["id"]?.stringValue)
        XCTAssertTrue(list.stdout.contains(keyID), list.stdout)

        let before = try await ops.openStore().authenticate(token: token)
        XCTAssertEqual(before.key?.id.rawValue, keyID)

        let revoked = try ops.run("keys", "revoke", keyID)
        XCTAssertEqual(revoked.status, 0, revoked.stderr)
        XCTAssertEqual(revoked.stdout, "revoked key \(keyID)\n")
        let after = try await ops.openStore().authenticate(token: token)
        XCTAssertEqual(after, .revoked(try APIKeyID(keyID)))
        let listed = try parseJSON(try ops.run("keys", "list", "--tenant", "acme", "--json").stdout)
        XCTAssertNotEqual(listed.arrayValue?.first?["revoked_at"], .null)
    }

    func testAdminKeyCanStartAnEmptyDataDirectory() async throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        let created = try ops.run("keys", "create", "--admin", "--label", "bootstrap", "--json")
        XCTAssertEqual(created.status, 0, created.stderr)
        XCTAssertTrue(created.stderr.contains("warning: this is the only time the key is shown"), created.stderr)
        let object = try parseJSON(created.stdout)
        XCTAssertEqual(object["kind"], "admin")
        XCTAssertEqual(object["tenant"], .null)
        let token = try XCTUnwrap(object["token"]?.stringValue)
        let authentication = try await ops.openStore().authenticate(token: token)
        XCTAssertEqual(authentication.key?.kind, .admin)
        let list = try ops.run("keys", "list")
        XCTAssertTrue(list.stdout.contains("admin"), list.stdout)
        XCTAssertFalse(list.stdout.contains(token), list.stdout)
    }

    func testUnknownTenantAndKeyFailWithExitOne() throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        XCTAssertEqual(try ops.run("tenants", "create", "acme").status, 0)
        let noTenant = try ops.run("keys", "create", "--tenant", "nobody")
        XCTAssertEqual(noTenant.status, 1)
        XCTAssertTrue(noTenant.stderr.contains("no tenant nobody"), noTenant.stderr)
        XCTAssertEqual(noTenant.stdout, "")
        let listNobody = try ops.run("keys", "list", "--tenant", "nobody")
        XCTAssertEqual(listNobody.status, 1)
        let noKey = try ops.run("keys", "revoke", "key_0000000000000000")
        XCTAssertEqual(noKey.status, 1)
        XCTAssertTrue(noKey.stderr.contains("no API key key_0000000000000000"), noKey.stderr)
    }

    func testDisabledTenantsKeysAreRefused() async throws {
        let ops = try OperatorData.make()
        defer { ops.remove() }
        XCTAssertEqual(try ops.run("tenants", "create", "acme").status, 0)
        let token = try ops.run("keys", "create", "--tenant", "acme").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try ops.run("tenants", "disable", "acme").status, 0)
        let result = try await ops.openStore().authenticate(token: token)
        guard case .tenantDisabled(_, let tenant) = result else { return XCTFail("\(result)") }
        XCTAssertEqual(tenant.rawValue, "acme")
    }
}
