import AMI
import NIOPosix
import PBXSimulator
import Synchronization
import Testing

@Suite("The simulated PBX's channel ids")
struct SimulatorUniqueIDTests {
    @Test("Uniqueids count from the configured first sequence, as a PBX that has run a while gives them")
    func firstUniqueSequence() async throws {
        var configuration = SimulatorScenarioTests.configuration()
        configuration.firstUniqueSequence = 1_000_000
        let pbx = SimulatedPBX(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let ids = Mutex<[String]>([])
        await pbx.observe { message in
            guard message.eventName == "Newchannel", let id = message["Uniqueid"] else { return }
            ids.withLock { $0.append(id) }
        }
        pbx.placeInboundCall(callerNumber: "13800138000", callerName: "", patience: 5)
        let deadline = ContinuousClock.now + .seconds(10)
        while ids.withLock({ $0.isEmpty }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let first = try #require(ids.withLock { $0.first })
        #expect(first.split(separator: ".").last == "1000000")
        #expect(first.count > 15)
    }
}
