import Foundation
import Testing

/// The arrows of the layout, checked on the sources: protocol clients know nothing of the CRM, the
/// domain knows no HTTP, only the CLI and the demo know the simulator, the leaves import no module of ours.
@Suite("Layout rules: which module may import which")
struct LayoutRulesTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")
    static let ours: Set<String> = ["Vocabulary", "Secrets", "Retrying", "EventLoopExecutors", "Telephony", "CRM", "AMI", "ARI", "PBXMonitor", "Workflows",
                                    "HTTPAPI", "App", "PBXSimulator", "Demo"]

    /// Every module of ours and the modules its files import.
    static func imports() throws -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        let modules = try FileManager.default.contentsOfDirectory(atPath: sources.path)
        for module in modules {
            let root = sources.appendingPathComponent(module)
            guard let files = FileManager.default.enumerator(atPath: root.path) else { continue }
            var imported: Set<String> = []
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                    imported.insert(String(line.split(separator: " ").last ?? ""))
                }
            }
            result[module] = imported
        }
        return result
    }

    @Test("protocol clients know nothing of the CRM, the workflows, the HTTP API or the simulator")
    func protocolClients() throws {
        let imports = try Self.imports()
        for client in ["AMI", "ARI"] {
            let forbidden = imports[client, default: []].intersection(["CRM", "Workflows", "PBXMonitor", "HTTPAPI", "App", "PBXSimulator", "Demo", "Hummingbird"])
            #expect(forbidden.isEmpty, "\(client) imports \(forbidden)")
        }
    }

    @Test("the domain knows no HTTP")
    func domainKnowsNoHTTP() throws {
        let imports = try Self.imports()
        for module in ["Vocabulary", "Telephony", "CRM", "PBXMonitor", "Workflows"] {
            let http = imports[module, default: []].filter { $0.hasPrefix("Hummingbird") || $0 == "HTTPAPI" || $0 == "HTTPTypes" || $0 == "App" }
            #expect(http.isEmpty, "\(module) imports \(http)")
        }
    }

    @Test("only the CLI and the demo know the simulator")
    func simulatorUsers() throws {
        let users = try Self.imports().filter { $0.value.contains("PBXSimulator") }.map(\.key)
        #expect(Set(users).isSubset(of: ["calldesk", "Demo"]), "\(users)")
    }

    @Test("the leaves import no module of ours")
    func leaves() throws {
        let imports = try Self.imports()
        for leaf in ["Vocabulary", "Secrets", "Retrying", "EventLoopExecutors", "Telephony"] {
            #expect(imports[leaf, default: []].isDisjoint(with: Self.ours), "\(leaf) imports \(imports[leaf, default: []].intersection(Self.ours))")
        }
    }
}
