import PavilionCore
import PavilionData
import XCTest

/// Helpers shared by the transform tests: one-step programs and error capture.
enum TransformTesting {
    static let today = CivilDate(year: 2026, month: 3, day: 1)

    static func program(_ json: String) throws -> TransformProgram {
        try TransformProgram(try JSONParser().parse(json))
    }

    static func run(_ json: String, on record: JSONValue, today: CivilDate? = nil,
                    keyedHash: (@Sendable ([UInt8]) -> [UInt8])? = nil) throws -> TransformResult {
        try program(json).run(record, context: TransformContext(today: today ?? Self.today!, keyedHash: keyedHash))
    }

    /// The compile error for `json`, or a test failure.
    static func compileError(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> TransformError? {
        do {
            _ = try program(json)
            XCTFail("program was accepted", file: file, line: line)
        } catch let error as TransformError {
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return nil
    }

    /// The run error, or a test failure.
    static func runError(_ json: String, on record: JSONValue, today: CivilDate? = nil,
                         file: StaticString = #filePath, line: UInt = #line) -> TransformError? {
        do {
            let result = try run(json, on: record, today: today)
            XCTFail("run succeeded with \(result.output.serialized)", file: file, line: line)
        } catch let error as TransformError {
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return nil
    }

    /// `value` normalised as `kind` by a one-step program.
    static func normalize(_ value: String, as kind: String, countryCode: String? = nil) throws -> JSONValue? {
        let cc = countryCode.map { #", "country_code": "\#($0)""# } ?? ""
        let result = try run(#"[{"normalize": {"field": "v", "as": "\#(kind)"\#(cc)}}]"#, on: ["v": .string(value)])
        return result.output["v"]
    }
}
