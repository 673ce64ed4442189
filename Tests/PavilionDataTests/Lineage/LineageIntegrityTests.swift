import PavilionCore
import PavilionCrypto
import PavilionData
import XCTest

final class LineageIntegrityTests: XCTestCase {
    let sha256 = LineageSample.sha256

    func response(_ signature: String) -> SignedResponse {
        SignedResponse(requestMethod: "GET", requestTarget: "https://dp.example/r4/Patient", status: 200,
                       headers: [(name: "Signature", value: signature)], body: Array(#"{"id":"p1"}"#.utf8))
    }

    func testVerifiedSignatureIsRecordedInLineage() throws {
        let integrity = ResponseIntegrity(requiredScheme: .jws, verifier: FakeVerifier(scheme: .jws), digester: sha256)
        let checked = try integrity.check(response("good"))
        var r = LineageRecorder(verificationID: "v", connector: "c", connectorVersion: "1", startedAt: LineageSample.t0, digester: sha256)
        r.recordExchange(region: "eu", endpoint: "https://dp.example/r4", index: 0, httpStatus: 200, responseBody: response("good").body,
                         signature: checked.signature, at: LineageSample.t0, duration: .milliseconds(3))
        guard case .dpExchange(let x)? = r.graph.node("exchange.0")?.detail else { return XCTFail() }
        XCTAssertEqual(x.signature, LineageNode.Signature(scheme: "jws", keyID: "dp-key-1", algorithm: "ed25519"))
        XCTAssertEqual(x.responseDigest, checked.digest)
        XCTAssertEqual(try LineageGraph(json: r.graph.json), r.graph)
    }
}
