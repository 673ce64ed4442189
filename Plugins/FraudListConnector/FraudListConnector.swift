import PavilionConnectorKit

/// A telco fraud register that publishes its list of numbers as a
/// `pavilion-psi-v1` encoded set (docs/psi.md): is this phone number listed?
///
/// The connector normalises `subject.phone_number` to E.164 and returns one
/// PSI step (`PV_STEP_PSI`, ABI 2) with that single element; the host runs
/// the intersection against the DP's set and the connector answers
/// `{"listed": true|false}`. The DP receives a blinded point only, never the
/// number, and learns that one element was asked about; the host and the
/// connector learn whether it is listed, and the register's size.
///
/// Settings: `psi_path` (default "/psi/v1"), the base path of the DP's PSI
/// service. The health probe asks `GET {psi_path}/info`.
public struct FraudListConnector: Connector {
    public static let description = ConnectorDescription(
        name: "fraud-list", version: "1.0.0", claims: ["listed"], hasHealthProbe: true)

    let psiPath: String

    /// - Parameters:
    ///   - settings: `psi_path`.
    ///   - host: the host services (unused: the host runs the PSI).
    /// - Throws: `invalidInput` when `psi_path` is not a usable base path.
    public init(settings: [String: ConnectorJSON], host: ConnectorHost) throws(ConnectorError) {
        guard let value = settings["psi_path"] else {
            psiPath = "/psi/v1"
            return
        }
        guard var path = value.stringValue, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains(".."),
              path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "?" && $0 != "#" }) else {
            throw ConnectorError(.invalidInput, "setting psi_path must be a path starting with '/'")
        }
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        psiPath = path
    }

    /// - Parameters:
    ///   - query: the checked query (`listed`).
    ///   - context: exchange services.
    /// - Returns: the exchange.
    /// - Throws: `invalidInput` when `phone_number` is missing or not a phone number.
    public func makeExchange(query: ConnectorQuery, context: ExchangeContext) throws(ConnectorError) -> FraudListExchange {
        let number = try PhoneNumber.e164(try query.subjectString("phone_number"))
        return FraudListExchange(mode: .lookup(PSIQuery(path: psiPath, elements: [number])))
    }

    /// `GET {psi_path}/info`: healthy when the DP answers 200 with the PSI protocol's info.
    /// - Parameter context: exchange services.
    /// - Returns: the probe.
    public func makeHealthProbe(context: ExchangeContext) throws(ConnectorError) -> FraudListExchange? {
        FraudListExchange(mode: .health(path: psiPath + "/info"))
    }
}
