import XCTest

/// Every case of every shipped fixture file replays through the real library.
final class FixtureReplayTests: XCTestCase {
    private func assertReplays(_ product: String, _ fixture: String, atLeast minimum: Int,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let replayer = FixtureReplayer(library: try LoadedConnector(product), fixtureURL: FixtureReplayer.fixture(fixture))
        let (cases, failures) = try replayer.run()
        XCTAssertGreaterThanOrEqual(cases, minimum, "\(fixture) has too few cases", file: file, line: line)
        XCTAssertEqual(failures, [], "\(fixture)", file: file, line: line)
    }

    func testEchoFixturesReplay() throws {
        try assertReplays("pv_echo", "echo.json", atLeast: 5)
    }

    func testCamaraKYCMatchFixturesReplay() throws {
        try assertReplays("pv_camara_kyc_match", "camara-kyc-match.json", atLeast: 20)
    }

    func testFHIRPatientFixturesReplay() throws {
        try assertReplays("pv_fhir_patient", "fhir-patient.json", atLeast: 30)
    }

    func testFraudListFixturesReplay() throws {
        try assertReplays("pv_fraud_list", "fraud-list.json", atLeast: 10)
    }

    func testFHIRAgesAroundLeapDayBirthdaysReplay() throws {
        try assertReplays("pv_fhir_patient", "fhir-patient-2026-02-28.json", atLeast: 2)
        try assertReplays("pv_fhir_patient", "fhir-patient-2026-03-01.json", atLeast: 2)
    }
}
