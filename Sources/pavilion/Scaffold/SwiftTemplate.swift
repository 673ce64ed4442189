/// The Swift connector `pavilion connector new NAME --lang swift` writes: the
/// same subject lookup as the C template, on the Swift connector kit.
enum SwiftTemplate {
    static func package(name: String, typeName: String, kit: String) -> String {
        """
        // swift-tools-version:6.0
        import PackageDescription

        let package = Package(
            name: "\(typeName)",
            products: [.library(name: "pv_\(name.replacingOccurrences(of: "-", with: "_"))", type: .dynamic, targets: ["\(typeName)"])],
            dependencies: [.package(name: "Pavilion", path: "\(kit)")],
            targets: [
                .target(name: "\(typeName)", dependencies: [.product(name: "PavilionConnectorKit", package: "Pavilion")]),
            ]
        )

        """
    }

    static func connector(name: String, typeName: String) -> String {
        """
        import PavilionConnectorKit

        /// \(name): asks the data provider `GET /v1/subjects/{subject_id}` and
        /// answers `subject_active` from the JSON field `active`. Replace the
        /// request and the mapping with your provider's API.
        public struct \(typeName): Connector {
            public static let description = ConnectorDescription(
                name: "\(name)", version: "0.1.0", claims: ["subject_active"])

            public init(settings: [String: ConnectorJSON], host: ConnectorHost) throws(ConnectorError) {}

            public func makeExchange(query: ConnectorQuery, context: ExchangeContext) throws(ConnectorError) -> Lookup {
                let id = try query.subjectString("subject_id")
                guard !id.isEmpty, id.utf8.count <= 128 else {
                    throw ConnectorError(.invalidInput, "subject.subject_id must be a string of 1 to 128 bytes")
                }
                return Lookup(subjectID: id)
            }
        }

        /// One lookup: a single GET, then the claim.
        public struct Lookup: ConnectorExchange {
            private enum State { case initial, awaitingLookup, finished }

            private let subjectID: String
            private var state = State.initial

            init(subjectID: String) { self.subjectID = subjectID }

            public mutating func start() throws(ConnectorError) -> ConnectorStep {
                guard case .initial = state else { throw ConnectorError(.state, "exchange already started") }
                state = .awaitingLookup
                let segment = subjectID.utf8.map { byte -> String in
                    let plain = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                        || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
                    return plain ? String(UnicodeScalar(byte)) : "%" + String(byte, radix: 16, uppercase: true).leftPadded
                }.joined()
                return .request(HTTPRequest(method: "GET", path: "/v1/subjects/" + segment,
                                            headers: [HTTPHeader("accept", "application/json")], isIdempotent: true))
            }

            public mutating func receive(_ response: HTTPResponse) throws(ConnectorError) -> ConnectorStep {
                guard case .awaitingLookup = state else { throw ConnectorError(.state, "exchange already finished") }
                state = .finished
                switch response.status {
                case 200: break
                case 404: throw ConnectorError(.notFound, "provider does not know the subject")
                default: throw ConnectorError(.upstream, "provider answered with an error status")
                }
                guard let object = try ConnectorJSON.parse(response.body, what: "provider body").objectValue else {
                    throw ConnectorError(.badResponse, "provider body is not a JSON object")
                }
                guard let active = object["active"]?.boolValue else {
                    throw ConnectorError(.badResponse, "provider body lacks a boolean 'active'")
                }
                return .result(["subject_active": .bool(active)])
            }
        }

        extension String {
            fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
        }

        """
    }

    static func entry(typeName: String) -> String {
        """
        import PavilionConnectorKit

        @_cdecl("pv_connector_entry")
        public func pv_connector_entry(_ abi: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
            exportConnector(\(typeName).self, abi, host)
        }

        """
    }

    static func buildScript(name: String) -> String {
        let product = "pv_" + name.replacingOccurrences(of: "-", with: "_")
        return """
        #!/bin/sh
        # Build lib/lib\(product).so and pin its SHA-256 in \(name).yaml.
        set -eu
        cd "$(dirname "$0")"
        swift build -c release --product \(product)
        mkdir -p lib
        install -m 0644 .build/release/lib\(product).so lib/libpv_\(name).so
        ${PAVILION:-pavilion} manifest pin \(name).yaml

        """
    }
}
