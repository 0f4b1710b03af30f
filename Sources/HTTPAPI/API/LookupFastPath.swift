import HTTPTypes
import Hummingbird
@_spi(Generated) import OpenAPIRuntime

/// Serves the common case of `GET /v1/lookup` (the IVR's and dealer systems' screen-pop lookup, the
/// API's hottest route) without the spec-first runtime: the same handler (`CallDeskAPI.lookupResult`),
/// the answer written by `JSONWriter` instead of `JSONEncoder`. A request it does not take as it
/// stands (a query other than one plain `phone=`, an `Accept` that refuses JSON) goes on to the
/// generated handler, which answers it as for any route. It stands right after the token check and
/// checks the parameter itself, by the document's rules as `ParameterCheckMiddleware` would, so a
/// lookup skips the middlewares after it.
/// `LookupFastPathTests` holds both answers equal, byte for byte.
struct LookupFastPath: RouterMiddleware {
    typealias Context = APIRequestContext
    let api: CallDeskAPI
    let rules: ParameterRules
    let converter: Converter

    init(api: CallDeskAPI, rules: ParameterRules, configuration: Configuration) {
        self.api = api
        self.rules = rules
        converter = Converter(configuration: configuration)
    }

    static let path = "/v1/lookup"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, context.endpointPath == Self.path, let phone = Self.phone(in: request, converter: converter, rules: rules)
        else {
            return try await next(request, context)
        }
        let result = try await api.lookupResult(phone: phone)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: result.json))
    }

    /// The `phone` parameter, when the request is one the generated handler would answer 200 given it:
    /// its query is plain (`plainPhone`) and the phone passes the document's rules (a wrong one is
    /// left to `ParameterCheckMiddleware`, which names what is wrong).
    static func phone(in request: Request, converter: Converter, rules: ParameterRules) -> String? {
        guard let query = request.head.soar_query, let phone = plainPhone(in: query),
              (try? rules.check(method: "GET", template: path, value: { $0.location == .query && $0.name == "phone" ? phone : nil })) != nil
        else { return nil }
        do {
            try converter.validateAcceptIfPresent("application/json", in: request.headers)
        } catch {
            return nil
        }
        return phone
    }

    /// The value of a query that is exactly `phone=<value>`, written with the characters phone numbers
    /// are (letters, digits, `+ - ( ) . _ ~ *`, percent escapes), decoded as the runtime decodes a form
    /// item: `+` is a space, then the escapes. `nil` for any other query, left to the runtime.
    static func plainPhone(in query: Substring) -> String? {
        let key = "phone=".utf8
        let bytes = query.utf8
        guard bytes.starts(with: key) else { return nil }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count - key.count)
        var index = bytes.index(bytes.startIndex, offsetBy: key.count)
        while index != bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)
            switch byte {
            case UInt8(ascii: "+"):
                decoded.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard index != bytes.endIndex, let high = hexValue(bytes[index]) else { return nil }
                index = bytes.index(after: index)
                guard index != bytes.endIndex, let low = hexValue(bytes[index]) else { return nil }
                index = bytes.index(after: index)
                decoded.append(high << 4 | low)
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                 UInt8(ascii: "*"):
                decoded.append(byte)
            default:
                return nil
            }
        }
        return String(validating: decoded, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
