import Foundation
import Testing
import Vocabulary
@testable import Workflows

@Suite("Live hub: topics, retained messages, slow subscribers")
struct LiveHubTests {
    static func pop(_ call: String, _ event: ScreenPop.Event = .ringing) -> ScreenPop {
        ScreenPop(event: event, pbx: "main", callID: call, number: "13800138000", e164: "+8613800138000", callerName: nil, queue: "hotline",
                  ringingSince: Date(timeIntervalSince1970: 0), waitSeconds: 0, customers: [])
    }

    /// Reads what the subscription holds right now (it never waits: the hub delivers synchronously).
    static func drain(_ subscription: LiveSubscription, _ count: Int) async -> [LiveMessage] {
        var messages: [LiveMessage] = []
        for await message in subscription {
            messages.append(message)
            if messages.count == count { break }
        }
        return messages
    }

    @Test("a message reaches the subscribers of its topic and no one else")
    func topicsSeparate() async {
        let hub = LiveHub()
        let alice = hub.subscribe([.agent(1)])
        let bob = hub.subscribe([.agent(2)])
        let wall = hub.subscribe([.queue("hotline"), .everyone])
        hub.publish(.screenPop(Self.pop("1.1")), to: .agent(1))
        hub.publish(.screenPop(Self.pop("2.1")), to: .queue("hotline"))
        hub.publish(.screenPop(Self.pop("3.1")), to: .team(9))
        hub.unsubscribe(alice)
        hub.unsubscribe(bob)
        hub.unsubscribe(wall)
        #expect(await Self.drain(alice, 10) == [.screenPop(Self.pop("1.1"))])
        #expect(await Self.drain(bob, 10) == [])
        #expect(await Self.drain(wall, 10) == [.screenPop(Self.pop("2.1"))])
        #expect(hub.subscriptionCount == 0 && hub.connectedAgents.isEmpty)
    }

    @Test("a page that subscribes later gets what is still retained, oldest first, and nothing released")
    func retainedForLateSubscribers() async {
        let hub = LiveHub()
        hub.publish(.screenPop(Self.pop("1.1")), to: .agent(1), retention: .keep("pop/main/1.1"))
        hub.publish(.screenPop(Self.pop("2.1")), to: .agent(1), retention: .keep("pop/main/2.1"))
        hub.publish(.screenPop(Self.pop("1.1", .answered)), to: .agent(1), retention: .release("pop/main/1.1"))
        #expect(hub.retainedCount(for: .agent(1)) == 1)
        let late = hub.subscribe([.agent(1)])
        hub.unsubscribe(late)
        #expect(await Self.drain(late, 10) == [.screenPop(Self.pop("2.1"))])
    }

    @Test("a subscriber that falls behind gets a resync marker with the count, then the retained state, never a silent gap")
    func slowSubscriberResyncs() async {
        let hub = LiveHub(bufferSize: 4)
        hub.publish(.screenPop(Self.pop("0.1")), to: .agent(1), retention: .keep("pop/main/0.1"))
        let slow = hub.subscribe([.agent(1)])
        for index in 1...5 { hub.publish(.screenPop(Self.pop("\(index).1", .ended)), to: .agent(1)) }
        hub.unsubscribe(slow)
        // The retained card and 1.1–3.1 fill the buffer of 4; 4.1 overflows it: those 4 and 4.1 are lost,
        // the marker says so and the retained card follows it; 5.1 comes after as usual.
        #expect(await Self.drain(slow, 20) == [.resync(dropped: 5), .screenPop(Self.pop("0.1")), .screenPop(Self.pop("5.1", .ended))])
    }

    @Test("a subscription ends when the body using it throws")
    func scopedSubscriptionEnds() async {
        let hub = LiveHub()
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await hub.withSubscription([.agent(1)]) { _ in
                #expect(hub.subscriptionCount == 1)
                throw Boom()
            }
        }
        #expect(hub.subscriptionCount == 0)
    }

    @Test("a reader cancelled while waiting ends its subscription's sequence")
    func cancelledReaderEnds() async {
        let hub = LiveHub()
        let subscription = hub.subscribe([.agent(1)])
        let reader = Task { await Self.drain(subscription, 1) }
        try? await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        #expect(await reader.value == [])
        hub.unsubscribe(subscription)
        #expect(hub.subscriptionCount == 0)
    }
}
