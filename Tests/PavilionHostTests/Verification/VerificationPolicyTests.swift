import PavilionCore
import PavilionHost
import PavilionManifest
import XCTest

final class VerificationPolicyTests: XCTestCase {
    private func manifest(regions: [(String, ResidencyZone, Int)], purposes: [String] = ["kyc"],
                          bases: [String] = ["consent"], transferBasis: String? = nil) -> Manifest {
        Manifest(file: "t.yaml", metadata: .init(name: "t", provider: "p", version: "1.0.0"),
                 library: .init(path: "l.so", declaredPath: "l.so", sha256: String(repeating: "0", count: 64), abi: 1),
                 formats: .init(input: ["json"], output: ["json"], credentials: []),
                 claims: [.init(name: "c", type: "boolean", dataCategories: [])],
                 regions: regions.map { .init(name: $0.0, residency: $0.1, priority: $0.2, endpoints: ["https://dp.example"]) },
                 compliance: .init(jurisdictions: ["gdpr"], dataCategories: [], lawfulBases: bases, purposes: purposes,
                                   retention: "P1D", transferBasis: transferBasis))
    }

    func testPurposeAndLawfulBasisMustBeDeclared() throws {
        let policy = VerificationPolicy()
        let m = manifest(regions: [("eu-west", .eu, 1)], bases: ["consent", "legal_obligation"])
        XCTAssertThrowsError(try policy.evaluate(manifest: m, purpose: "marketing", lawfulBasis: "consent", jurisdiction: .eu)) {
            XCTAssertEqual(($0 as? APIProblem)?.code, "purpose_not_allowed")
        }
        XCTAssertThrowsError(try policy.evaluate(manifest: m, purpose: "kyc", lawfulBasis: "vital_interests", jurisdiction: .eu)) {
            XCTAssertEqual(($0 as? APIProblem)?.code, "lawful_basis_not_allowed")
        }
        XCTAssertThrowsError(try policy.evaluate(manifest: m, purpose: "kyc", lawfulBasis: nil, jurisdiction: .eu)) {
            XCTAssertEqual(($0 as? APIProblem)?.code, "invalid_request")
        }
        XCTAssertEqual(try policy.evaluate(manifest: m, purpose: "kyc", lawfulBasis: "consent", jurisdiction: .eu).lawfulBasis, "consent")
    }

    func testAnOnlyLawfulBasisIsImplied() throws {
        let decision = try VerificationPolicy().evaluate(manifest: manifest(regions: [("eu", .eu, 1)]), purpose: "kyc",
                                                         lawfulBasis: nil, jurisdiction: .eu)
        XCTAssertEqual(decision.lawfulBasis, "consent")
    }

    func testResidencySameZoneAdequacyAndTransferBasis() throws {
        let policy = VerificationPolicy()
        let m = manifest(regions: [("us-east", .us, 1), ("uk-south", .uk, 3), ("eu-west", .eu, 2)])
        // EU subject: eu and uk (adequate) allowed, us not; lowest priority first.
        XCTAssertEqual(try policy.evaluate(manifest: m, purpose: "kyc", lawfulBasis: nil, jurisdiction: .eu).regions.map(\.name),
                       ["eu-west", "uk-south"])
        // UK subject: the same adequacy set.
        XCTAssertEqual(try policy.evaluate(manifest: m, purpose: "kyc", lawfulBasis: nil, jurisdiction: .uk).regions.map(\.name),
                       ["eu-west", "uk-south"])
        // US subject: same zone only.
        XCTAssertEqual(try policy.evaluate(manifest: m, purpose: "kyc", lawfulBasis: nil, jurisdiction: .us).regions.map(\.name),
                       ["us-east"])
        // California lies within the US.
        XCTAssertEqual(try policy.evaluate(manifest: m, purpose: "kyc", lawfulBasis: nil, jurisdiction: .usCA).regions.map(\.name),
                       ["us-east"])
        // Brazil: nothing, unless the manifest declares a transfer basis.
        XCTAssertThrowsError(try policy.evaluate(manifest: m, purpose: "kyc", lawfulBasis: nil, jurisdiction: .br)) {
            XCTAssertEqual(($0 as? APIProblem)?.code, "residency_not_allowed")
        }
        let withSCC = manifest(regions: [("us-east", .us, 1), ("eu-west", .eu, 2)], transferBasis: "scc")
        XCTAssertEqual(try policy.evaluate(manifest: withSCC, purpose: "kyc", lawfulBasis: nil, jurisdiction: .br).regions.map(\.name),
                       ["us-east", "eu-west"])
    }

    func testTheHostsOwnRegionWinsATie() throws {
        let m = manifest(regions: [("eu-west", .eu, 1), ("eu-central", .eu, 1)])
        XCTAssertEqual(try VerificationPolicy(hostRegion: "eu-central")
            .evaluate(manifest: m, purpose: "kyc", lawfulBasis: nil, jurisdiction: .eu).region?.name, "eu-central")
        XCTAssertEqual(try VerificationPolicy()
            .evaluate(manifest: m, purpose: "kyc", lawfulBasis: nil, jurisdiction: .eu).region?.name, "eu-west")
    }
}
